namespace Mpp.Client.Tempo.Testing;

/// <summary>
/// A metered server-sent event route of <see cref="TempoTestVerifier.MapSessionStream"/>: what it streams, what each token
/// costs, and how long it waits for a voucher.
/// </summary>
public sealed class TempoSessionStreamOptions
{
    /// <summary>The price of one token in base units of <see cref="Currency"/> (a positive decimal integer, e.g. <c>"1000"</c>).</summary>
    public required string PricePerToken { get; init; }

    /// <summary>The TIP-20 token the channel pays in. Default pathUSD (<see cref="FakeTempoChain.PathUsd"/>).</summary>
    public string Currency { get; init; } = FakeTempoChain.PathUsd;

    /// <summary>The tokens, in order: each becomes one <c>message</c> event and is charged <see cref="PricePerToken"/>. At least one.</summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];

    /// <summary>
    /// The challenge's <c>suggestedDeposit</c> in base units, or <see langword="null"/> for the verifier's
    /// <see cref="TempoTestVerifierOptions.SessionSuggestedDeposit"/>.
    /// </summary>
    public string? SuggestedDeposit { get; init; }

    /// <summary>
    /// How long the stream waits, after a <c>payment-need-voucher</c> event, for a voucher covering the next token before
    /// it sends a <c>payment-error</c> event and ends. Default 10 seconds (on the server's clock).
    /// </summary>
    public TimeSpan VoucherTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// When set, the stream sends a <c>payment-error</c> event (<c>verification-failed</c>) and ends after this many tokens,
    /// to test how a client handles one. Default <see langword="null"/>.
    /// </summary>
    public int? PaymentErrorAfterTokens { get; init; }
}
