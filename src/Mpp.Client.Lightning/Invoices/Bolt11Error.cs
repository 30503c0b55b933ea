namespace Mpp.Client.Lightning.Invoices;

/// <summary>Why a BOLT11 invoice was rejected by <see cref="Bolt11Invoice.Decode"/>.</summary>
public enum Bolt11Error
{
    /// <summary>Not a bech32 string: no separator, characters outside the bech32 set, mixed case, too long.</summary>
    MalformedBech32,

    /// <summary>The bech32 checksum does not match (or the string uses bech32m).</summary>
    InvalidChecksum,

    /// <summary>The prefix is not <c>lnbc</c>, <c>lntb</c>, <c>lntbs</c> or <c>lnbcrt</c>.</summary>
    UnknownPrefix,

    /// <summary>The amount is not a positive integer without leading zeros followed by at most one multiplier, or it overflows.</summary>
    InvalidAmount,

    /// <summary>A <c>p</c> (pico) amount whose last digit is not 0: not a whole number of millisatoshis.</summary>
    SubMillisatoshiAmount,

    /// <summary>The data part is too short to hold a timestamp and a signature, or a field runs past it.</summary>
    TooShort,

    /// <summary>A tagged field is malformed (invalid UTF-8 description, truncated route hint, oversized number).</summary>
    InvalidField,

    /// <summary>The invoice has no payment hash (<c>p</c>) of the right length.</summary>
    MissingPaymentHash,

    /// <summary>The invoice has neither a description (<c>d</c>) nor a description hash (<c>h</c>), or has both.</summary>
    InvalidDescription,

    /// <summary>The invoice has no payment secret (<c>s</c> field), which BOLT #11 requires.</summary>
    MissingPaymentSecret,

    /// <summary>The invoice sets a feature without the features it depends on (<c>basic_mpp</c> without <c>payment_secret</c>).</summary>
    MissingFeatureDependency,

    /// <summary>The invoice requires (even bit) a feature this decoder does not know.</summary>
    UnknownRequiredFeature,

    /// <summary>
    /// The signature is malformed, cannot be recovered, or does not verify against the payee in the <c>n</c> field (where
    /// it must also be low-S).
    /// </summary>
    InvalidSignature,
}
