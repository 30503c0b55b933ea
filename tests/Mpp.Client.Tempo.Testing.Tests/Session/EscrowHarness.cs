using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Testing.Tests.Support;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing.Tests.Session;

/// <summary>
/// A fake chain on a fake clock, a funded payer and a payee, and the test's OWN TIP-1034 calldata encoder (selectors from
/// keccak of the signatures, written independently of the chain's decoder), sending real signed 0x76 transactions.
/// </summary>
internal sealed class EscrowHarness : IAsyncDisposable
{
    public const long Funds = 10_000_000;
    private const string DescriptorType = "(address,address,address,address,bytes32,address,bytes32)";

    private readonly HttpClient _http = new();

    private EscrowHarness(FakeTempoChain chain, FakeTimeProvider time)
    {
        Chain = chain;
        Time = time;
    }

    public FakeTempoChain Chain { get; }

    public FakeTimeProvider Time { get; }

    public TempoPrivateKey Payer { get; } = VerifierHarness.NewKey();

    public TempoPrivateKey Payee { get; } = VerifierHarness.NewKey();

    public static async Task<EscrowHarness> StartAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var h = new EscrowHarness(await FakeTempoChain.StartAsync(time), time);
        h.Chain.Fund(FakeTempoChain.PathUsd, h.Payer.Address, Funds);
        return h;
    }

    public BigInteger Balance(string address) => Chain.BalanceOf(FakeTempoChain.PathUsd, address);

    /// <summary>Signs and broadcasts one transaction with an expiring nonce; returns it and its receipt.</summary>
    public async Task<(SignedTempoTransaction Tx, JsonObject Receipt)> SendAsync(TempoPrivateKey sender, params byte[][] escrowCalls)
    {
        var tx = new TempoTransaction
        {
            ChainId = Chain.ChainId,
            MaxFeePerGas = 20_000_000_000,
            MaxPriorityFeePerGas = 1_000_000_000,
            Gas = 200_000,
            Calls = [.. escrowCalls.Select(data => new TempoCall(FakeTempoChain.ChannelEscrow, 0, data))],
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = (ulong)Time.GetUtcNow().ToUnixTimeSeconds() + 20,
            ValidAfter = (ulong)Random.Shared.Next(1, 1_000_000),
            FeeToken = FakeTempoChain.PathUsd,
        }.Sign(sender);
        var hash = Hex.Encode(await Chain.Rpc.SendRawTransactionAsync(tx.Bytes.ToArray(), CancellationToken.None));
        return (tx, Chain.Receipt(hash)!);
    }

    /// <summary>Opens a channel from the payer to the payee; returns the descriptor words and the channel id the test computes.</summary>
    public async Task<(Descriptor Descriptor, string ChannelId, JsonObject Receipt)> OpenAsync(BigInteger deposit, string? authorizedSigner = null)
    {
        var salt = Hex.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var signer = authorizedSigner ?? Zero;
        var (tx, receipt) = await SendAsync(Payer, Encode("open(address,address,address,uint96,bytes32,address)",
            Addr(Payee.Address), Addr(Zero), Addr(FakeTempoChain.PathUsd), Uint(deposit), Bytes32(salt), Addr(signer)));
        var nonceHash = Hex.Encode(Keccak.Hash([.. tx.Transaction.EncodeForSigning(), .. EvmAddress.ToBytes(Payer.Address)]));
        var descriptor = new Descriptor(Payer.Address, Payee.Address, Zero, FakeTempoChain.PathUsd, salt, signer, nonceHash);
        return (descriptor, ChannelId(descriptor), receipt);
    }

    public string ChannelId(Descriptor d) => Hex.Encode(Keccak.Hash([.. d.Words().SelectMany(w => w), .. Addr(FakeTempoChain.ChannelEscrow), .. Uint(Chain.ChainId)]));

    /// <summary>An EIP-712 voucher signature (domain "TIP20 Channel Reserve", version 1, this chain, the escrow).</summary>
    public byte[] Voucher(TempoPrivateKey key, string channelId, BigInteger cumulative)
    {
        var domain = Keccak.Hash([.. Keccak.Hash("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
            .. Keccak.Hash("TIP20 Channel Reserve"), .. Keccak.Hash("1"), .. Uint(Chain.ChainId), .. Addr(FakeTempoChain.ChannelEscrow)]);
        var message = Keccak.Hash([.. Keccak.Hash("Voucher(bytes32 channelId,uint96 cumulativeAmount)"), .. Bytes32(channelId), .. Uint(cumulative)]);
        return key.SignHash(Keccak.Hash([0x19, 0x01, .. domain, .. message])).ToRsv();
    }

    public static byte[] Settle(Descriptor d, BigInteger cumulative, byte[] signature) =>
        Encode($"settle({DescriptorType},uint96,bytes)", [.. d.Words(), Uint(cumulative), Uint(9 * 32), .. DynamicBytes(signature)]);

    public static byte[] Close(Descriptor d, BigInteger cumulative, BigInteger capture, byte[] signature) =>
        Encode($"close({DescriptorType},uint96,uint96,bytes)", [.. d.Words(), Uint(cumulative), Uint(capture), Uint(10 * 32), .. DynamicBytes(signature)]);

    public static byte[] TopUp(Descriptor d, BigInteger additional) => Encode($"topUp({DescriptorType},uint96)", [.. d.Words(), Uint(additional)]);

    public static byte[] RequestClose(Descriptor d) => Encode($"requestClose({DescriptorType})", [.. d.Words()]);

    public static byte[] Withdraw(Descriptor d) => Encode($"withdraw({DescriptorType})", [.. d.Words()]);

    /// <summary><c>getChannelState(channelId)</c> through <c>eth_call</c>: (settled, deposit, closeRequestedAt).</summary>
    public async Task<(BigInteger Settled, BigInteger Deposit, BigInteger CloseRequestedAt)> StateAsync(string channelId)
    {
        var words = await CallAsync(Encode("getChannelState(bytes32)", Bytes32(channelId)));
        return (Word(words, 0), Word(words, 1), Word(words, 2));
    }

    /// <summary>An <c>eth_call</c> to the escrow; returns the result bytes, or throws with the JSON-RPC error.</summary>
    public async Task<byte[]> CallAsync(byte[] data, string? from = null)
    {
        var answer = await RpcAsync("eth_call", new JsonObject { ["to"] = FakeTempoChain.ChannelEscrow, ["data"] = Hex.Encode(data), ["from"] = from }, "latest");
        return answer["result"] is { } result
            ? Hex.Decode((string)result!)
            : throw new InvalidOperationException(answer["error"]!.ToJsonString());
    }

    public async Task<JsonObject> RpcAsync(string method, params JsonNode?[] parameters)
    {
        using var response = await _http.PostAsJsonAsync(Chain.Endpoint, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = method, ["params"] = new JsonArray(parameters) });
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static BigInteger Word(byte[] data, int index) => new(data.AsSpan(32 * index, 32), isUnsigned: true, isBigEndian: true);

    public const string Zero = "0x0000000000000000000000000000000000000000";

    public static byte[] Encode(string signature, params byte[][] words) => [.. Keccak.Hash(signature).AsSpan(0, 4), .. words.SelectMany(w => w)];

    public static byte[] Addr(string address) => [.. new byte[12], .. EvmAddress.ToBytes(address)];

    public static byte[] Uint(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return [.. new byte[32 - bytes.Length], .. bytes];
    }

    public static byte[] Bytes32(string hex) => Hex.Decode(hex);

    private static byte[][] DynamicBytes(byte[] value) =>
        [Uint(value.Length), [.. value, .. new byte[(32 - (value.Length % 32)) % 32]]];

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Chain.DisposeAsync();
    }

    internal sealed record Descriptor(string Payer, string Payee, string Operator, string Token, string Salt, string AuthorizedSigner, string ExpiringNonceHash)
    {
        public byte[][] Words() => [Addr(Payer), Addr(Payee), Addr(Operator), Addr(Token), Bytes32(Salt), Addr(AuthorizedSigner), Bytes32(ExpiringNonceHash)];
    }
}
