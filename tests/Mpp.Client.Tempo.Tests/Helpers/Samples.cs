using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Helpers;

/// <summary>Transactions shaped like the ones mppx 0.11.0 builds for a pull-mode charge, and their oracle JSON.</summary>
internal static class Samples
{
    // Hardhat/anvil account #0 (a published test key, as in tempo-go's vectors).
    public const string TestKeyHex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    public const string Payee = "0x742d35Cc6634c0532925a3b844bC9e7595F8fE00";

    public const string SplitPayee = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";

    public static TempoPrivateKey Key => TempoPrivateKey.FromHex(TestKeyHex);

    public static byte[] Memo => AttributionMemo.Encode("challenge-123", "api.example.com", clientId: null);

    public static TempoTransaction PullTransfer(bool feePayer = false, params (string To, BigInteger Amount)[] payees)
    {
        if (payees.Length == 0)
        {
            payees = [(Payee, new BigInteger(1_000_000))];
        }

        return new TempoTransaction
        {
            ChainId = TempoChains.TestnetChainId,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = 20_000_000_000,
            Gas = 105_000,
            Calls = [.. payees.Select(p => Tip20Calls.TransferWithMemo(TempoChains.PathUsd, p.To, p.Amount, Memo))],
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = 1_900_000_025,
            FeeToken = TempoChains.PathUsd,
            FeePayer = feePayer,
        };
    }

    public static JsonObject ToJson(TempoTransaction tx)
    {
        var json = new JsonObject
        {
            ["chainId"] = tx.ChainId.ToString(CultureInfo.InvariantCulture),
            ["maxPriorityFeePerGas"] = tx.MaxPriorityFeePerGas.ToString(CultureInfo.InvariantCulture),
            ["maxFeePerGas"] = tx.MaxFeePerGas.ToString(CultureInfo.InvariantCulture),
            ["gas"] = tx.Gas.ToString(CultureInfo.InvariantCulture),
            ["calls"] = new JsonArray([.. tx.Calls.Select(c => (JsonNode)new JsonObject
            {
                ["to"] = c.To,
                ["value"] = c.Value.ToString(CultureInfo.InvariantCulture),
                ["data"] = Hex.Encode(c.Input),
            })]),
            ["accessList"] = new JsonArray([.. tx.AccessList.Select(a => (JsonNode)new JsonObject
            {
                ["address"] = a.Address,
                ["storageKeys"] = new JsonArray([.. a.StorageKeys.Select(k => (JsonNode)JsonValue.Create(k))]),
            })]),
            ["nonceKey"] = tx.NonceKey.ToString(CultureInfo.InvariantCulture),
            ["nonce"] = tx.Nonce.ToString(CultureInfo.InvariantCulture),
            ["feePayer"] = tx.FeePayer,
        };
        if (tx.ValidBefore is { } before)
        {
            json["validBefore"] = before.ToString(CultureInfo.InvariantCulture);
        }

        if (tx.ValidAfter is { } after)
        {
            json["validAfter"] = after.ToString(CultureInfo.InvariantCulture);
        }

        if (tx.FeeToken is not null)
        {
            json["feeToken"] = tx.FeeToken;
        }

        return json;
    }

    public static JsonObject ToJson(TempoSignature signature) => new()
    {
        ["r"] = signature.RValue.ToString(CultureInfo.InvariantCulture),
        ["s"] = signature.SValue.ToString(CultureInfo.InvariantCulture),
        ["yParity"] = signature.YParity,
    };
}
