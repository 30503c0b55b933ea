using System.Numerics;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// A tempo/charge request read strictly (draft-tempo-charge-01 § "Request Schema", § "Method Details", § "Split
/// Payments"): the total amount, the token, the primary recipient, the chain, whether the server pays fees, and the
/// transfers in order — the primary one (amount − Σ splits) first, then each split.
/// </summary>
internal sealed record TempoChargeRequest(
    BigInteger Amount,
    string Currency,
    string Recipient,
    ulong ChainId,
    bool FeePayer,
    IReadOnlyList<TempoTransfer> Transfers)
{
    /// <summary>methodDetails.supportedModes allows pull (true when absent).</summary>
    public bool PullAllowed { get; init; } = true;

    /// <summary>methodDetails.supportedModes allows push (true when absent).</summary>
    public bool PushAllowed { get; init; } = true;
}
