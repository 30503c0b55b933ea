namespace Mpp.Client.Tempo.Proofs;

/// <summary>The shape of the zero-amount proof's EIP-712 typed data.</summary>
internal enum TempoProofVersion
{
    /// <summary>Domain {name "MPP", version "2", chainId}; Proof(string challengeId, string realm). The older form, as
    /// in conformance vector <c>tempo-proof.json</c>.</summary>
    V2 = 2,

    /// <summary>Domain {name "MPP", version "3", chainId}; Proof(address account, string challengeId, string realm), as
    /// mppx 0.11.0 signs and verifies it (<c>dist/tempo/internal/proof.js</c>).</summary>
    V3 = 3,
}
