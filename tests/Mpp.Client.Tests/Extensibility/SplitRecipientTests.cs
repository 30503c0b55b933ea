using System.Net;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>
/// A payment split between several payees (a marketplace fee, a Tempo split transfer): every payee the wallet reads is
/// checked against <c>AllowedRecipients</c> before anything is signed.
/// </summary>
public sealed class SplitRecipientTests : IAsyncLifetime
{
    private const string Seller = "0xseller";
    private const string Platform = "0xplatform";
    private MppTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await RailServer.StartAsync("tempo");
        _server.MapPaid("/split", new PriceOption("40") { Method = "tempo", Recipient = Seller });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static RailWallet SplitWallet(params string[] recipients) =>
        new("tempo") { Terms = c => RailWallet.ChargeTerms(c, recipients: recipients) };

    [Fact]
    public async Task A_split_payee_outside_the_allow_list_refuses_the_payment_and_is_named()
    {
        var wallet = SplitWallet(Seller, Platform);
        await using var host = RailHost.Create(wallet, o => o.AllowedRecipients.Add(Seller));

        using var response = await host.Http.GetAsync(_server.Url("/split"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.PolicyRefused, outcome.Code);
        Assert.Contains(Platform, outcome.Reason, StringComparison.Ordinal);
        Assert.Equal([Seller, Platform], Assert.Single(outcome.Rejections).Quote!.Recipients);
        Assert.Empty(wallet.Attempts);
        Assert.Equal(0m, await host.CountedAsync());
    }

    [Fact]
    public async Task Every_payee_allowed_pays()
    {
        var wallet = SplitWallet(Seller, Platform);
        await using var host = RailHost.Create(wallet, o => o.AllowedRecipients.AddRange([Seller, Platform]));

        using var response = await host.Http.GetAsync(_server.Url("/split"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal([Seller, Platform], outcome.Quote!.Recipients);
        Assert.Equal(Seller, outcome.Quote.Recipient);
        Assert.Equal([Seller, Platform], wallet.Attempts.Single().Quote.Recipients);
        Assert.Equal(0.40m, await host.CountedAsync());
    }

    [Fact]
    public async Task The_primary_recipient_is_checked_even_when_the_wallet_lists_only_the_splits()
    {
        // A rail that fills Recipients with the split payees only must not let the primary payee escape the allow-list.
        var wallet = SplitWallet(Platform);
        await using var host = RailHost.Create(wallet, o => o.AllowedRecipients.Add(Platform));

        using var response = await host.Http.GetAsync(_server.Url("/split"));

        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Equal(MppErrorCode.PolicyRefused, outcome.Code);
        Assert.Contains(Seller, outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(wallet.Attempts);
    }

    [Fact]
    public async Task Without_an_allow_list_a_split_pays_and_the_quote_lists_every_payee()
    {
        var wallet = SplitWallet(Seller, Platform, "0xreferrer");
        await using var host = RailHost.Create(wallet);

        using var response = await host.Http.GetAsync(_server.Url("/split"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, response.GetPaymentOutcome()!.Quote!.Recipients.Count);
    }

    [Fact]
    public void By_default_the_recipients_are_the_primary_recipient_alone()
    {
        Assert.Equal(["acct"], new PaymentTerms(1, "usd", "acct").Recipients);
        Assert.Empty(new PaymentTerms(1, "usd").Recipients);
    }
}
