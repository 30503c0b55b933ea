using System.Net;
using System.Numerics;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Policy;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Charge;

/// <summary>
/// TempoChargeMethod paying an MppTestServer route end to end: real HttpClient and payment handler, the tempo verifier
/// decoding the credential's transaction and submitting it to the fake chain, which moves the balances.
/// </summary>
public sealed class TempoChargeMethodTests
{
    private static readonly BigInteger Funds = 10_000_000;

    private static object Details(bool? feePayer = null, object? splits = null, ulong chainId = TempoChains.TestnetChainId) =>
        (feePayer, splits) switch
        {
            (null, null) => new { chainId },
            ({ } fp, null) => new { chainId, feePayer = fp },
            (null, { } s) => new { chainId, splits = s },
            ({ } fp, { } s) => new { chainId, feePayer = fp, splits = s },
        };

    [Fact]
    public async Task Pays_a_route_end_to_end_and_the_chain_moves_the_balance()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        var payee = TestPayer.NewAddress();
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        h.Server.MapPaid("/paid", TempoPayingHarness.Price("1250000", payee, Details()));

        using var response = await h.Http.GetAsync(h.Server.Url("/paid"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Paid, outcome.Status);
        Assert.Equal(new BigInteger(1_250_000), h.Chain.Chain.BalanceOf(TempoChains.PathUsd, payee));
        Assert.Equal(Funds - 1_250_000, h.Chain.Chain.BalanceOf(TempoChains.PathUsd, h.Payer));
        Assert.Equal(1, h.Chain.Chain.CountOf("eth_sendRawTransaction"));
        // (60,000 estimate + 5,000) gas × (10 gwei-units × 1.2 + 1) attodollars = 845 microdollars, rounded up.
        var fee = outcome.Quote!.Terms.Fee!;
        Assert.Equal(new BigInteger(845), fee.MaxAmount);
        Assert.Equal(TempoChains.PathUsd, fee.Currency);
        Assert.Equal(0.000845m, outcome.Quote.DisplayFee);
        Assert.Equal([h.Payer.ToLowerInvariant()], h.Verifier.Settlements.Select(x => x.Payer));
    }

    [Fact]
    public async Task A_split_payment_pays_every_recipient_in_one_transaction()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        var (a, b, c) = (TestPayer.NewAddress(), TestPayer.NewAddress(), TestPayer.NewAddress());
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        h.Server.MapPaid("/split", TempoPayingHarness.Price("1000000", a, Details(splits: new[] { new { amount = "300000", recipient = b }, new { amount = "100000", recipient = c } })));

        using var response = await h.Http.GetAsync(h.Server.Url("/split"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new BigInteger(600_000), h.Chain.Chain.BalanceOf(TempoChains.PathUsd, a));
        Assert.Equal(new BigInteger(300_000), h.Chain.Chain.BalanceOf(TempoChains.PathUsd, b));
        Assert.Equal(new BigInteger(100_000), h.Chain.Chain.BalanceOf(TempoChains.PathUsd, c));
        Assert.Equal(new[] { a, b, c }.Select(x => x.ToLowerInvariant()), response.GetPaymentOutcome()!.Quote!.Recipients);
    }

    [Fact]
    public async Task With_a_fee_payer_the_client_declares_no_fee_and_sends_the_0x78_handoff_the_server_cosigns()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        var payee = TestPayer.NewAddress();
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        h.Server.MapPaid("/sponsored", TempoPayingHarness.Price("5000", payee, Details(feePayer: true)));

        using var response = await h.Http.GetAsync(h.Server.Url("/sponsored"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.GetPaymentOutcome()!.Quote!.Terms.Fee);
        var settlement = Assert.Single(h.Verifier.Settlements);
        Assert.StartsWith("0x78", settlement.Submitted, StringComparison.Ordinal);
        Assert.Equal(h.Verifier.FeePayerAddress.ToLowerInvariant(), settlement.SponsoredBy);
        Assert.Equal(1, h.Chain.Chain.CountOf("eth_sendRawTransaction"));
        var receipt = h.Chain.Chain.Receipt(settlement.TransactionHash!)!;
        Assert.Equal(h.Payer.ToLowerInvariant(), (string?)receipt["from"]);
        Assert.Equal(h.Verifier.FeePayerAddress.ToLowerInvariant(), (string?)receipt["feePayer"]);
        Assert.Equal(new BigInteger(5000), h.Chain.Chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task A_request_naming_no_chain_is_paid_on_the_testnet_as_the_draft_says()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        var payee = TestPayer.NewAddress();
        h.Server.MapPaid("/default-chain", TempoPayingHarness.Price("1000", payee, new { }));

        using var response = await h.Http.GetAsync(h.Server.Url("/default-chain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new BigInteger(1000), h.Chain.Chain.BalanceOf(TempoChains.PathUsd, payee));
    }

    [Fact]
    public async Task A_zero_amount_is_paid_with_the_proof()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Server.MapPaid("/free", TempoPayingHarness.Price("0", TestPayer.NewAddress(), Details()));

        using var response = await h.Http.GetAsync(h.Server.Url("/free"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, h.Verifier.Verifications);
        Assert.Equal(0, h.Chain.Chain.CountOf("eth_sendRawTransaction"));
    }

    public static TheoryData<string> HostileCases() =>
    [
        "wrong-chain", "unknown-chain", "unknown-token", "recipient-not-allowed", "split-recipient-not-allowed",
        "split-sum-equals-amount", "split-zero", "too-many-splits", "expired", "push-only-with-fee-payer", "no-known-mode",
        "modes-not-an-array", "bad-memo",
    ];

    [Theory]
    [MemberData(nameof(HostileCases))]
    public async Task A_hostile_challenge_is_refused_and_nothing_is_signed(string hostile)
    {
        var allowed = TestPayer.NewAddress();
        await using var h = await TempoPayingHarness.StartAsync(
            o =>
            {
                if (hostile is "recipient-not-allowed" or "split-recipient-not-allowed")
                {
                    o.AllowedRecipients.Add(allowed);
                }
            },
            s =>
            {
                if (hostile == "expired")
                {
                    s.TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
                }
            });
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        var other = TestPayer.NewAddress();
        var split = (string amount, string to) => new { amount, recipient = to };
        var price = hostile switch
        {
            "wrong-chain" => TempoPayingHarness.Price("1000", allowed, Details(chainId: TempoChains.MainnetChainId)),
            "unknown-chain" => TempoPayingHarness.Price("1000", allowed, Details(chainId: 1)),
            "unknown-token" => TempoPayingHarness.Price("1000", allowed, Details(), currency: "0x20c0000000000000000000000000000000000001"),
            "recipient-not-allowed" => TempoPayingHarness.Price("1000", other, Details()),
            "split-recipient-not-allowed" => TempoPayingHarness.Price("1000", allowed, Details(splits: new[] { split("10", other) })),
            "split-sum-equals-amount" => TempoPayingHarness.Price("1000", allowed, Details(splits: new[] { split("600", other), split("400", other) })),
            "split-zero" => TempoPayingHarness.Price("1000", allowed, Details(splits: new[] { split("0", other) })),
            "too-many-splits" => TempoPayingHarness.Price("1000", allowed, Details(splits: Enumerable.Range(0, 11).Select(_ => split("1", other)).ToArray())),
            "expired" => TempoPayingHarness.Price("1000", allowed, Details()),
            "push-only-with-fee-payer" => TempoPayingHarness.Price("1000", allowed, new { chainId = TempoChains.TestnetChainId, feePayer = true, supportedModes = new[] { "push" } }),
            "no-known-mode" => TempoPayingHarness.Price("1000", allowed, new { chainId = TempoChains.TestnetChainId, supportedModes = new[] { "teleport" } }),
            "modes-not-an-array" => TempoPayingHarness.Price("1000", allowed, new { chainId = TempoChains.TestnetChainId, supportedModes = "pull" }),
            "bad-memo" => TempoPayingHarness.Price("1000", allowed, new { chainId = TempoChains.TestnetChainId, memo = "0x1234" }),
            _ => throw new ArgumentOutOfRangeException(nameof(hostile)),
        };
        h.Server.MapPaid("/hostile", price);

        using var response = await h.Http.GetAsync(h.Server.Url("/hostile"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.NotEqual(PaymentStatus.Paid, outcome.Status);
        Assert.NotNull(outcome.Code);
        Assert.Equal(0, h.Verifier.Verifications); // no credential was created
        Assert.Equal(0, h.Chain.Chain.CountOf("eth_sendRawTransaction"));
        Assert.Equal(Funds, h.Chain.Chain.BalanceOf(TempoChains.PathUsd, h.Payer));
        AssertNoKey(h, outcome.ToString());
        AssertNoKey(h, string.Join("\n", outcome.Rejections.Select(r => r.ToString())));
    }

    [Fact]
    public async Task A_cap_that_holds_the_amount_but_not_the_amount_plus_fee_refuses_and_nothing_is_signed()
    {
        await using var h = await TempoPayingHarness.StartAsync(o => o.Budget.PerRequest["usd"] = "0.01");
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        h.Server.MapPaid("/x", TempoPayingHarness.Price("9500", TestPayer.NewAddress(), Details()));

        using var response = await h.Http.GetAsync(h.Server.Url("/x")); // 0.0095 + 0.000845 fee > 0.01

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(MppErrorCode.BudgetExceeded, response.GetPaymentOutcome()!.Code);
        Assert.Equal(0, h.Verifier.Verifications);
        Assert.Equal(Funds, h.Chain.Chain.BalanceOf(TempoChains.PathUsd, h.Payer));
    }

    [Fact]
    public async Task The_key_never_appears_in_logs_outcome_or_method_text()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Chain.Chain.Fund(TempoChains.PathUsd, h.Payer, Funds);
        h.Server.MapPaid("/paid", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), Details()));
        h.Server.MapPaid("/wrong", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), Details(chainId: TempoChains.MainnetChainId)));

        using var paid = await h.Http.GetAsync(h.Server.Url("/paid"));
        using var refused = await h.Http.GetAsync(h.Server.Url("/wrong"));

        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.NotEmpty(h.Logs.GetSnapshot());
        foreach (var record in h.Logs.GetSnapshot())
        {
            AssertNoKey(h, record.Message);
            AssertNoKey(h, record.Exception?.ToString() ?? string.Empty);
        }

        AssertNoKey(h, paid.GetPaymentOutcome()!.ToString());
        AssertNoKey(h, refused.GetPaymentOutcome()!.ToString());
        AssertNoKey(h, h.Method.ToString()!);
    }

    [Fact]
    public async Task ReadTermsAsync_refuses_a_challenge_for_another_chain_than_the_node()
    {
        await using var h = await TempoPayingHarness.StartAsync();
        h.Server.MapPaid("/x", TempoPayingHarness.Price("1000", TestPayer.NewAddress(), Details(chainId: TempoChains.MainnetChainId)));
        var issued = Assert.Single(await h.Server.IssueChallengesAsync("/x"));

        var e = await Assert.ThrowsAsync<MppException>(async () => await h.Method.ReadTermsAsync(issued, CancellationToken.None));

        Assert.Equal(MppErrorCode.InvalidChallenge, e.Code);
        Assert.Equal(0, h.Chain.Chain.CountOf("eth_estimateGas"));
    }

    [Theory]
    [InlineData(65_000ul, "13000000000", "845")]
    [InlineData(1ul, "1", "1")]
    [InlineData(1ul, "1000000000000", "1")]
    [InlineData(1ul, "1000000000001", "2")]
    [InlineData(0ul, "5", "0")]
    public void MaxFee_converts_attodollars_to_microdollars_rounding_up(ulong gas, string maxFeePerGas, string expected) =>
        Assert.Equal(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), TempoChargeMethod.MaxFee(gas, BigInteger.Parse(maxFeePerGas, System.Globalization.CultureInfo.InvariantCulture)));

    private static void AssertNoKey(TempoPayingHarness h, string text)
    {
        var digits = h.KeyHex[2..];
        Assert.DoesNotContain(digits[..16], text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(digits[^16..], text, StringComparison.OrdinalIgnoreCase);
    }
}
