using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.TestSupport;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing.Tests.Interop;

/// <summary>
/// The reference client pays the verifier: mppx 0.11.0's own <c>tempo.charge</c> client (interop/mppx/tempo-pay.mjs,
/// pinned by interop/mppx/package-lock.json) pays an <see cref="MppTestServer"/> with <see cref="TempoTestVerifier"/>
/// settling on a <see cref="FakeTempoChain"/>, in every mode it has: pull, pull with a client id in the attribution
/// memo, splits, fee payer, push and the zero-amount proof.
/// </summary>
public sealed class MppxTempoClientTests
{
    private static string Dir => Path.Combine(RepositoryRoot.Path, "interop", "mppx");

    [Theory]
    [InlineData("pull")]
    [InlineData("pull with a client id")]
    [InlineData("splits")]
    [InlineData("fee payer")]
    [InlineData("push")]
    [InlineData("proof")]
    public async Task Mppx_pays_the_verifier(string mode)
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var verifier = new TempoTestVerifier(chain);
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions().AddVerifier(verifier));
        var keyHex = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var payer = TempoPrivateKey.FromHex(keyHex).Address;
        var (recipient, split) = (NewAddress(), NewAddress());
        chain.Fund(FakeTempoChain.PathUsd, payer, 10_000_000);
        object details = mode switch
        {
            "splits" => new { chainId = chain.ChainId, splits = new[] { new { amount = "2000", recipient = split } } },
            "fee payer" => new { chainId = chain.ChainId, feePayer = true },
            _ => new { chainId = chain.ChainId },
        };
        var amount = mode == "proof" ? "0" : "10000";
        server.MapPaid("/paid", new PriceOption(amount, FakeTempoChain.PathUsd)
        {
            Method = "tempo",
            Recipient = recipient,
            ExtraRequest = new Dictionary<string, JsonElement> { ["methodDetails"] = JsonSerializer.SerializeToElement(details) },
        });
        List<string> arguments = ["--url", server.Url("/paid").ToString(), "--rpc-url", chain.Endpoint.ToString(), "--private-key", keyHex,
            "--chain-id", chain.ChainId.ToString(CultureInfo.InvariantCulture)];
        if (mode == "push")
        {
            arguments.AddRange(["--mode", "push"]);
        }

        if (mode == "pull with a client id")
        {
            arguments.AddRange(["--client-id", "agent-7"]);
        }

        var answer = await PayAsync(arguments);

        Assert.True(200 == (int)answer["status"]!, $"{answer}; rejections: {string.Join(", ", server.Rejections)}");
        var settlement = Assert.Single(verifier.Settlements);
        Assert.Equal(payer.ToLowerInvariant(), settlement.Payer);
        Assert.Equal((string?)answer["receipt"]!["reference"], mode == "proof" ? server.Payments[0].ChallengeId : settlement.TransactionHash);
        var expected = mode switch
        {
            "proof" => ("proof", BigInteger.Zero, (string?)null),
            "push" => ("hash", new BigInteger(10_000), null),
            "splits" => ("transaction", new BigInteger(8_000), null),
            "fee payer" => ("transaction", new BigInteger(10_000), verifier.FeePayerAddress.ToLowerInvariant()),
            _ => ("transaction", new BigInteger(10_000), null),
        };
        Assert.Equal(expected, (settlement.PayloadType, chain.BalanceOf(FakeTempoChain.PathUsd, recipient), settlement.SponsoredBy));
        if (mode == "splits")
        {
            Assert.Equal(new BigInteger(2_000), chain.BalanceOf(FakeTempoChain.PathUsd, split));
        }
    }

    private static string NewAddress() => TempoPrivateKey.FromHex(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).Address;

    private static async Task<JsonNode> PayAsync(IEnumerable<string> arguments)
    {
        await NodeTools.EnsureInstalledAsync(Dir, "mppx", "viem");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("tempo-pay.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = NodeTools.Start(start);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode == 0 ? JsonNode.Parse(await stdout) : null)
            ?? throw new InvalidOperationException($"mppx failed ({process.ExitCode}): {await stderr}");
    }
}
