using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>A signed cumulative voucher: channel id (lower-case bytes32 hex), cumulative amount (base units) and the
/// 65-byte r ‖ s ‖ v signature (v = 27/28) as lower-case 0x hex.</summary>
internal sealed record SignedVoucher(string ChannelId, BigInteger CumulativeAmount, string Signature);
