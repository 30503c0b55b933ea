using System.Numerics;
using System.Security.Cryptography;
using Mpp.Client.Tempo.Attribution;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Tip20;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Tests.Support;

/// <summary>Generated keys and pull-mode transfers shaped like mppx 0.11.0's (expiring nonce, transferWithMemo).</summary>
internal static class TestPayer
{
    public static readonly DateTimeOffset Start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    public static TempoPrivateKey NewKey() =>
        TempoPrivateKey.FromHex(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    public static string NewAddress() => NewKey().Address;

    public static byte[] Memo(string challengeId = "challenge-abc") => AttributionMemo.Encode(challengeId, "api.example.com", clientId: null);

    public static TempoTransaction PullTransfer(
        DateTimeOffset now,
        ulong chainId,
        IReadOnlyList<(string To, BigInteger Amount)> payees,
        byte[] memo,
        string token = TempoChains.PathUsd) => new()
        {
            ChainId = chainId,
            MaxPriorityFeePerGas = 1_000_000_000,
            MaxFeePerGas = 20_000_000_000,
            Gas = 65_000,
            Calls = [.. payees.Select(p => Tip20Calls.TransferWithMemo(token, p.To, p.Amount, memo))],
            NonceKey = TempoNonce.ExpiringKey,
            Nonce = 0,
            ValidBefore = TempoNonce.ValidBefore(now, challengeExpires: null),
            FeeToken = token,
        };
}
