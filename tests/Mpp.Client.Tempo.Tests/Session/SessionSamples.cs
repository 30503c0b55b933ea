using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Tests.Helpers;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>Session values shaped like mppx 0.11.0's, and their oracle JSON.</summary>
internal static class SessionSamples
{
    public const string Escrow = EscrowAbi.PrecompileAddress;

    public const string CustomEscrow = "0x9d136eea063ede5418a6bc7beaff009bbb6cfa70";

    public const string Payee = "0x742d35cc6634c0532925a3b844bc9e7595f8fe00";

    public const string Operator = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

    public const ulong ChainId = TempoChains.TestnetChainId;

    public static TempoPrivateKey Key => Samples.Key;

    public static TempoKeySigner Signer => new(Samples.Key);

    public static string Payer => Samples.Key.Address.ToLowerInvariant();

    public static SessionTransactionFees Fees { get; } = new(Gas: 210_000, MaxFeePerGas: 20_000_000_000, MaxPriorityFeePerGas: 1_000_000_000, ValidBefore: 1_900_000_025, ValidAfter: 1_234_567);

    public static string Bytes32(int seed) => "0x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));

    public static ChannelDescriptor Descriptor(int seed = 1, string? authorizedSigner = null, string @operator = EscrowAbi.ZeroAddress) =>
        new(Payer, Payee, @operator, TempoChains.PathUsd, Bytes32(seed), authorizedSigner ?? Payer, Bytes32(seed + 1000));

    public static EscrowOpenCall Open(BigInteger deposit, string? salt = null, string @operator = EscrowAbi.ZeroAddress) =>
        new(Payee, @operator, TempoChains.PathUsd, deposit, salt ?? Bytes32(7), Payer);

    public static JsonObject ToJson(ChannelDescriptor d) => new()
    {
        ["payer"] = d.Payer,
        ["payee"] = d.Payee,
        ["operator"] = d.Operator,
        ["token"] = d.Token,
        ["salt"] = d.Salt,
        ["authorizedSigner"] = d.AuthorizedSigner,
        ["expiringNonceHash"] = d.ExpiringNonceHash,
    };

    public static string Dec(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
