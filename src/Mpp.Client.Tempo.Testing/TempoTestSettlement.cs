namespace Mpp.Client.Tempo.Testing;

/// <summary>A tempo credential a <see cref="TempoTestVerifier"/> accepted.</summary>
public sealed record TempoTestSettlement
{
    /// <summary>The credential's <c>payload.type</c>: <c>transaction</c> (pull), <c>hash</c> (push) or <c>proof</c> (zero amount).</summary>
    public required string PayloadType { get; init; }

    /// <summary>The payer's address, lower-case hex: the recovered sender, the receipt's <c>from</c>, or the proof's signer.</summary>
    public required string Payer { get; init; }

    /// <summary>What the credential carried: the signed transaction (0x76 envelope or 0x78 hand-off), the hash, or the proof signature.</summary>
    public required string Submitted { get; init; }

    /// <summary>The hash of the settled transaction, lower-case hex; null for a proof.</summary>
    public string? TransactionHash { get; init; }

    /// <summary>The fee payer that co-signed (the verifier's <see cref="TempoTestVerifier.FeePayerAddress"/>), or null when the client paid its fees.</summary>
    public string? SponsoredBy { get; init; }
}
