using System.Numerics;

namespace Mpp.Client.Tempo.Testing;

/// <summary>Settings of a <see cref="TempoTestVerifier"/>; every value has a usable default.</summary>
public sealed class TempoTestVerifierOptions
{
    /// <summary>
    /// The secp256k1 key (32 bytes as hex, with or without <c>0x</c>) the verifier co-signs sponsored transactions with
    /// when a challenge says <c>feePayer: true</c>. Default: null, a fresh random key per verifier. Test keys only: it is
    /// never logged nor shown by <see cref="object.ToString"/>.
    /// </summary>
    public string? FeePayerPrivateKey { get; set; }

    /// <summary>The TIP-20 token the verifier pays sponsored fees in. Default pathUSD (<see cref="FakeTempoChain.PathUsd"/>).</summary>
    public string FeeToken { get; set; } = FakeTempoChain.PathUsd;

    /// <summary>The most gas a sponsored transaction may ask for; a larger limit is refused before co-signing. Default 1,000,000.</summary>
    public ulong MaxSponsoredGas { get; set; } = 1_000_000;

    /// <summary>The highest fee cap (wei per gas) a sponsored transaction may carry; a higher one is refused. Default 100 gwei.</summary>
    public BigInteger MaxSponsoredFeePerGas { get; set; } = 100_000_000_000;

    /// <summary>
    /// When true (the default), as mppx 0.11.0's server requires, at least one transfer the challenge names no memo for
    /// must carry the challenge-bound attribution memo (<c>keccak("mpp")[0..4] ‖ 0x01 ‖ keccak(realm)[0..10] ‖ client id
    /// bytes ‖ keccak(challengeId)[0..7]</c>; the client id bytes are not compared). When false, such transfers may be
    /// plain <c>transfer</c>s or carry any memo, as draft-tempo-charge-01 alone allows. Memos the challenge names
    /// (<c>methodDetails.memo</c>, <c>splits[i].memo</c>) are required exactly either way.
    /// </summary>
    public bool RequireAttributionMemo { get; set; } = true;

    /// <summary>
    /// The payee key of <c>tempo/session</c> challenges (hex), which signs the close transactions; null: a random key.
    /// The verifier writes its address as the session challenges' recipient.
    /// </summary>
    public string? SessionPayeePrivateKey { get; set; }

    /// <summary>The <c>suggestedDeposit</c> of session challenges in base units, or null for none.</summary>
    public BigInteger? SessionSuggestedDeposit { get; set; }
}
