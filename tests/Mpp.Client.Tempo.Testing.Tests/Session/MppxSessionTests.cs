using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.TestSupport;

namespace Mpp.Client.Tempo.Testing.Tests.Session;

/// <summary>
/// The reference SDK runs a whole TIP-1034 session on the fake chain: mppx 0.11.0's own session server
/// (interop/mppx/session-server.mjs, <c>tempo.session</c>) and its own session client (interop/mppx/session-client.mjs,
/// <c>tempo.session.manager</c>), pinned by interop/mppx/package-lock.json. The client opens a channel with its first
/// paid request (a signed 0x76 open transaction the server broadcasts), pays 50 more requests with vouchers, tops the
/// channel up and closes it; the server settles on chain. The chain's escrow, balances and receipts must then show
/// exactly what was spent.
/// </summary>
public sealed class MppxSessionTests
{
    private const long PerRequest = 10_000; // --amount 0.01 pathUSD
    private const long Deposit = 1_000_000; // --suggested-deposit 1
    private const long TopUp = 500_000; // --top-up 0.5

    private static string Dir => Path.Combine(RepositoryRoot.Path, "interop", "mppx");

    [Fact]
    public async Task Mppx_runs_a_whole_session_on_the_fake_escrow()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var payeeKey = NewKey();
        var payee = TempoPrivateKey.FromHex(payeeKey).Address.ToLowerInvariant();
        var payerKey = NewKey();
        var payer = TempoPrivateKey.FromHex(payerKey).Address.ToLowerInvariant();
        chain.Fund(FakeTempoChain.PathUsd, payer, 5_000_000);
        await using var server = await StartServerAsync(chain, payeeKey);

        var result = await RunClientAsync(server, chain, payerKey, "--vouchers", "50", "--top-up", "0.5", "--probe");

        var channelId = (string)result["channelId"]!;
        var channel = chain.GetChannel(channelId) ?? throw new InvalidOperationException($"no channel {channelId}: {result}");
        var spent = BigInteger.Parse((string)result["close"]!["spent"]!, CultureInfo.InvariantCulture);
        Assert.Equal(51 * PerRequest, spent); // the open request and 50 voucher requests
        Assert.Equal((payer, payee, FakeTempoChain.PathUsd), (channel.Payer, channel.Payee, channel.Token));
        Assert.True(channel.IsClosed, server.Log);
        Assert.Equal(Deposit + TopUp, channel.Deposit);
        Assert.Equal(spent, channel.Settled);
        Assert.Equal(Deposit + TopUp - spent, channel.RefundedToPayer);
        Assert.Equal(BigInteger.Zero, chain.BalanceOf(FakeTempoChain.PathUsd, FakeTempoChain.ChannelEscrow));
        Assert.Equal(spent, chain.BalanceOf(FakeTempoChain.PathUsd, payee));
        Assert.Equal(5_000_000 - spent, chain.BalanceOf(FakeTempoChain.PathUsd, payer));

        // The open receipt carries the open transaction's hash; the chain mined it and it opened this channel.
        var openTx = (string)result["open"]!["receipt"]!["txHash"]!;
        Assert.Equal(openTx, channel.OpenTransactionHash);
        Assert.Equal("0x1", (string?)chain.Receipt(openTx)!["status"]);
        var closeTx = (string)result["close"]!["txHash"]!;
        Assert.Equal("0x1", (string?)chain.Receipt(closeTx)!["status"]);
        Assert.Equal(payee, (string?)chain.Receipt(closeTx)!["from"]);
        Assert.Equal((51 * PerRequest).ToString(CultureInfo.InvariantCulture), (string?)result["lastVoucher"]!["receipt"]!["acceptedCumulative"]);

        // Hand-made vouchers mppx refuses (all 402 with a fresh challenge) charge nothing: spent above stayed 51 requests.
        var probes = result["probes"]!;
        Assert.Equal(
            ["session/insufficient-balance", "verification-failed", "session/invalid-signature", "session/amount-exceeds-deposit", "verification-failed"],
            ((string[])["replayHighest", "lower", "wrongSigner", "aboveDeposit", "unknownChannel"])
                .Select(c => ((string?)probes[c]!["type"])?.Replace("https://paymentauth.org/problems/", "", StringComparison.Ordinal)));
        Assert.All(probes.AsObject(), p => Assert.Equal(402, (int)p.Value!["status"]!));

        // What mppx put on the wire: one open, 50 vouchers (each after a 402: the manager does not pay preemptively),
        // then body-less POSTs for the top-up and the close.
        var trace = result["trace"]!.AsArray().Select(t => (string)t!).ToList();
        Assert.Equal(1, trace.Count(t => t == "GET /paid session/open -> 200"));
        Assert.Equal(50, trace.Count(t => t == "GET /paid session/voucher -> 200"));
        Assert.Equal(51, trace.Count(t => t == "GET /paid - -> 402"));
        Assert.Equal(["POST /paid session/topUp -> 204", "POST /paid session/close -> 204"], trace.TakeLast(2));
    }

    [Fact]
    public async Task Mppx_streams_tokens_paid_per_token_over_a_channel_and_settles_them()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var payeeKey = NewKey();
        var payee = TempoPrivateKey.FromHex(payeeKey).Address.ToLowerInvariant();
        var payerKey = NewKey();
        var payer = TempoPrivateKey.FromHex(payerKey).Address.ToLowerInvariant();
        chain.Fund(FakeTempoChain.PathUsd, payer, 5_000_000);
        await using var server = await StartServerAsync(chain, payeeKey);

        var result = await RunClientAsync(server, chain, payerKey, "--vouchers", "0", "--top-up", "0", "--stream-tokens", "20");

        var stream = result["stream"]!;
        Assert.Equal(20, (int)stream["tokens"]!);
        const long perToken = 100; // --token-amount 0.0001
        var channel = chain.GetChannel((string)stream["channelId"]!)!;
        Assert.True(channel.IsClosed, server.Log);
        Assert.Equal((new BigInteger(20 * perToken), new BigInteger(Deposit - (20 * perToken))), (channel.Settled, channel.RefundedToPayer));
        Assert.Equal("20", (string?)stream["receipts"]!.AsArray().Last()!["units"]?.ToString());
        // The first token is paid by the open voucher; each further one by a voucher POSTed after payment-need-voucher.
        var trace = result["trace"]!.AsArray().Select(t => (string)t!).ToList();
        Assert.Equal(19, trace.Count(t => t == "POST /stream session/voucher -> 204"));
        // The /paid channel was opened and closed with nothing but the open request paid.
        Assert.Equal(new BigInteger(PerRequest + (20 * perToken)), chain.BalanceOf(FakeTempoChain.PathUsd, payee));
    }

    [Fact]
    public async Task Mppx_sponsors_the_payers_transactions_when_the_server_pays_fees()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var payeeKey = NewKey();
        var feePayerKey = NewKey();
        var feePayer = TempoPrivateKey.FromHex(feePayerKey).Address.ToLowerInvariant();
        var payerKey = NewKey();
        var payer = TempoPrivateKey.FromHex(payerKey).Address.ToLowerInvariant();
        chain.Fund(FakeTempoChain.PathUsd, payer, 5_000_000);
        await using var server = await StartServerAsync(chain, payeeKey, "--fee-payer-key", feePayerKey);

        var result = await RunClientAsync(server, chain, payerKey, "--vouchers", "3", "--top-up", "0.25");

        var channel = chain.GetChannel((string)result["channelId"]!)!;
        Assert.True(channel.IsClosed, server.Log);
        Assert.Equal((new BigInteger(Deposit + 250_000), new BigInteger(4 * PerRequest)), (channel.Deposit, channel.Settled));
        Assert.Equal(5_000_000 - (4 * PerRequest), chain.BalanceOf(FakeTempoChain.PathUsd, payer));
        foreach (var tx in (string[])[(string)result["open"]!["receipt"]!["txHash"]!, (string)result["topUp"]!["txHash"]!])
        {
            var receipt = chain.Receipt(tx)!;
            Assert.Equal((payer, feePayer, "0x1"), ((string?)receipt["from"], (string?)receipt["feePayer"], (string?)receipt["status"]));
        }
    }

    internal static string NewKey() => "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    internal static Task<NodeServer> StartServerAsync(FakeTempoChain chain, string payeeKey, params string[] extra) => NodeServer.StartAsync(
        Dir, ["mppx", "viem"], ["session-server.mjs", "--rpc-url", chain.Endpoint.ToString(), "--payee-key", payeeKey,
        "--chain-id", chain.ChainId.ToString(CultureInfo.InvariantCulture), "--amount", "0.01", "--suggested-deposit", "1", .. extra]);

    internal static async Task<JsonNode> RunClientAsync(NodeServer server, FakeTempoChain chain, string payerKey, params string[] extra)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["session-client.mjs", "--url", server.BaseAddress.ToString(), "--rpc-url", chain.Endpoint.ToString(),
            "--private-key", payerKey, "--chain-id", chain.ChainId.ToString(CultureInfo.InvariantCulture), "--trace", .. extra])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = NodeTools.Start(start);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var result = (process.ExitCode == 0 ? JsonNode.Parse(await stdout) : null)
            ?? throw new InvalidOperationException($"mppx session client failed ({process.ExitCode}): {await stderr}\nserver: {server.Log}");
        result["trace"] = new JsonArray([.. (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("[session-client] ", StringComparison.Ordinal) || line.StartsWith("[wire] ", StringComparison.Ordinal))
            .Select(line => (JsonNode?)line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..])]);
        return result;
    }
}
