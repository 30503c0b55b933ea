using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing.Tests.Support;

/// <summary>
/// A fake chain and an MppTestServer with the tempo verifier on one fake clock, a funded payer key, and helpers that
/// build credentials by hand (so each test can break exactly one rule) and present them without HTTP.
/// </summary>
internal sealed class VerifierHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static readonly BigInteger Funds = 100_000_000;

    private int _routes;

    private VerifierHarness(FakeTimeProvider time, FakeTempoChain chain, TempoTestVerifier verifier, MppTestServer server)
    {
        Time = time;
        Chain = chain;
        Verifier = verifier;
        Server = server;
        Chain.Fund(FakeTempoChain.PathUsd, Payer.Address, Funds);
    }

    public FakeTimeProvider Time { get; }

    public FakeTempoChain Chain { get; }

    public TempoTestVerifier Verifier { get; }

    public MppTestServer Server { get; }

    public TempoPrivateKey Payer { get; } = NewKey();

    public string Recipient { get; } = NewKey().Address.ToLowerInvariant();

    public static async Task<VerifierHarness> StartAsync(TempoTestVerifierOptions? options = null, ulong chainId = FakeTempoChain.TestnetChainId)
    {
        var time = new FakeTimeProvider(Start);
        var chain = await FakeTempoChain.StartAsync(time, chainId);
        var verifier = new TempoTestVerifier(chain, options);
        var server = await MppTestServer.StartAsync(new MppTestServerOptions { TimeProvider = time }.AddVerifier(verifier));
        return new VerifierHarness(time, chain, verifier, server);
    }

    public static TempoPrivateKey NewKey() => TempoPrivateKey.FromHex(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Maps a fresh route priced in pathUSD and issues its challenge.</summary>
    public async Task<(string Path, Challenge Challenge)> ChallengeAsync(string amount, object? methodDetails = null, string? recipient = null, string currency = FakeTempoChain.PathUsd)
    {
        var path = $"/paid/{Interlocked.Increment(ref _routes)}";
        Server.MapPaid(path, new PriceOption(amount, currency)
        {
            Method = "tempo",
            Recipient = recipient ?? Recipient,
            ExtraRequest = new Dictionary<string, JsonElement>
            {
                ["methodDetails"] = JsonSerializer.SerializeToElement(methodDetails ?? new { chainId = Chain.ChainId }),
            },
        });
        var challenge = Assert.Single(await Server.IssueChallengesAsync(path));
        return (path, challenge);
    }

    public static byte[] Attribution(Challenge challenge) => AttributionMemo.Encode(challenge.Id, challenge.Realm, clientId: null);

    /// <summary>A pull transfer shaped like mppx 0.11.0's: expiring nonce, one transferWithMemo per payee.</summary>
    public TempoTransaction Transfer(IEnumerable<TempoCall> calls, ulong? chainId = null, bool feePayer = false, BigInteger? nonceKey = null, ulong gas = 65_000, ulong? validBefore = null) => new()
    {
        ChainId = chainId ?? Chain.ChainId,
        MaxPriorityFeePerGas = 1_000_000_000,
        MaxFeePerGas = 20_000_000_000,
        Gas = gas,
        Calls = [.. calls],
        NonceKey = nonceKey ?? TempoNonce.ExpiringKey,
        Nonce = 0,
        ValidBefore = validBefore ?? (ulong)Time.GetUtcNow().ToUnixTimeSeconds() + 25,
        FeeToken = feePayer ? null : FakeTempoChain.PathUsd,
        FeePayer = feePayer,
    };

    public static TempoCall Call(string to, BigInteger amount, byte[] memo, string token = FakeTempoChain.PathUsd) =>
        Tip20Calls.TransferWithMemo(token, to, amount, memo);

    public TempoTransaction Pays(Challenge challenge, BigInteger amount, bool feePayer = false) =>
        Transfer([Call(Recipient, amount, Attribution(challenge))], feePayer: feePayer);

    public Task<CredentialVerification> PresentTransactionAsync(string path, Challenge challenge, string signedHex) =>
        PresentAsync(path, challenge, new { type = "transaction", signature = signedHex });

    public Task<CredentialVerification> PresentAsync(string path, Challenge challenge, object payload, string? source = null) =>
        Server.VerifyAsync(
            Credential.Create(challenge, JsonSerializer.SerializeToElement(payload), source is null ? null : JsonSerializer.SerializeToElement(source)),
            path);

    /// <summary>Broadcasts a signed transaction itself (push mode) and returns its hash.</summary>
    public async Task<string> BroadcastAsync(TempoTransaction transaction) =>
        Hex.Encode(await Chain.Rpc.SendRawTransactionAsync(transaction.Sign(Payer).Bytes.ToArray(), CancellationToken.None));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Chain.DisposeAsync();
    }
}
