using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Tempo.Tests.Support;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// <see cref="TempoTestVerifier"/>'s voucher checks (draft-tempo-session-00 § "Voucher Verification") on real vouchers of
/// an open channel, altered one field at a time: the descriptor-to-channel-id binding is checked on every voucher, whether
/// the channel is known (its descriptor compared with the one verified at open) or not (hashed).
/// </summary>
public sealed class TestVerifierVoucherChecksTests
{
    private const string Path = "/metered";

    [Fact]
    public async Task A_fresh_voucher_is_accepted_and_counted()
    {
        await using var payer = await OpenAsync();
        var credential = await NextVoucherAsync(payer);

        var result = await payer.Server.VerifyAsync(credential, Path);

        Assert.True(result.Succeeded, result.Detail);
        var channelId = Payload(credential)["channelId"]!.GetValue<string>();
        Assert.Equal(30_000, (long)payer.Verifier.SessionSpent(channelId)); // the open, one voucher request, this voucher
    }

    [Fact]
    public async Task A_voucher_whose_descriptor_differs_from_its_channels_is_refused_and_nothing_is_counted()
    {
        await using var payer = await OpenAsync();
        var credential = await NextVoucherAsync(payer);
        var payload = Payload(credential);
        var channelId = payload["channelId"]!.GetValue<string>();
        payload["descriptor"]!["salt"] = "0x" + new string('7', 64);

        var result = await payer.Server.VerifyAsync(With(credential, payload), Path);

        Assert.False(result.Succeeded);
        Assert.Contains("descriptor", result.Detail, StringComparison.Ordinal);
        Assert.Equal(20_000, (long)payer.Verifier.SessionSpent(channelId));
    }

    [Fact]
    public async Task A_voucher_for_a_channel_never_opened_is_refused_even_when_its_descriptor_and_id_agree()
    {
        await using var payer = await OpenAsync();
        var credential = await NextVoucherAsync(payer);
        var payload = Payload(credential);
        var channelId = payload["channelId"]!.GetValue<string>();
        payload["descriptor"]!["salt"] = "0x" + new string('7', 64);
        var descriptor = ((SessionVoucherPayload)SessionPayloads.Read(JsonSerializer.SerializeToElement(payload), requireDescriptor: true)).Descriptor!;
        payload["channelId"] = descriptor.ComputeChannelId(EscrowAbi.PrecompileAddress, payer.Chain.ChainId);

        var result = await payer.Server.VerifyAsync(With(credential, payload), Path);

        Assert.False(result.Succeeded);
        Assert.Contains("channel not found", result.Detail, StringComparison.Ordinal);
        Assert.Equal(20_000, (long)payer.Verifier.SessionSpent(channelId));
    }

    [Fact]
    public async Task A_voucher_of_a_known_channel_with_another_signature_is_refused()
    {
        await using var payer = await OpenAsync();
        var first = await NextVoucherAsync(payer);
        var second = await NextVoucherAsync(payer);
        var payload = Payload(second);
        payload["signature"] = Payload(first)["signature"]!.GetValue<string>(); // signed for another amount

        var result = await payer.Server.VerifyAsync(With(second, payload), Path);

        Assert.False(result.Succeeded);
        Assert.Contains("signature", result.Detail, StringComparison.Ordinal);
    }

    private static async Task<ConfiguredTempoPayer> OpenAsync()
    {
        var payer = await ConfiguredTempoPayer.StartAsync(o => o.Session.MaxDeposit = "1");
        payer.Server.MapPaid(Path, new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });
        for (var i = 0; i < 2; i++)
        {
            using var response = await payer.Http.GetAsync(payer.Server.Url(Path)); // the open, then a voucher on the first try
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return payer;
    }

    /// <summary>The next voucher of the channel, as the payer writes it for a request (signed, persisted, not sent).</summary>
    private static async Task<Credential> NextVoucherAsync(ConfiguredTempoPayer payer)
    {
        var preemptive = payer.Provider.GetServices<IPreemptivePayer>().Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, payer.Server.Url(Path));
        Assert.True(await preemptive.TryAttachAsync(request, CancellationToken.None));
        return Credential.Parse(request.Headers.Authorization!.ToString());
    }

    private static JsonObject Payload(Credential credential) => JsonNode.Parse(credential.Payload.GetRawText())!.AsObject();

    private static Credential With(Credential credential, JsonObject payload) =>
        Credential.Create(credential.Challenge, JsonSerializer.SerializeToElement(payload), credential.Source);
}
