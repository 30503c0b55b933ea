namespace Mpp.Client.X402;

/// <summary>
/// The x402 wallet's settings, bound from <c>Mpp:X402</c> by <c>AddX402()</c>. Only networks listed under
/// <see cref="Networks"/> are payable; the tokens, recipients and amounts paid are the ones the core's policy allows
/// (<c>Mpp:AllowedAssets</c>, <c>Mpp:AllowedRecipients</c>, <c>Mpp:Budget</c>; USDC on the known chains counts as <c>usd</c>,
/// other tokens only when configured under <c>Mpp:Assets</c>).
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="PrivateKey"/>.</remarks>
public sealed class X402Options
{
    /// <summary>The configuration section name under <c>Mpp</c>.</summary>
    public const string SectionName = "X402";

    /// <summary>
    /// The account's secp256k1 private key, 32 bytes as hex (0x optional). Give it through a secret source (user secrets,
    /// the environment variable <c>Mpp__X402__PrivateKey</c>, a vault provider), or leave it unset and register an
    /// <see cref="IEvmSigner"/> instead.
    /// </summary>
    public string? PrivateKey { get; set; }

    /// <summary>
    /// The networks that may be paid on, as CAIP-2 ids (<c>eip155:8453</c> for Base, <c>eip155:84532</c> for Base
    /// Sepolia). x402 v1 network names (<c>base</c>, <c>base-sepolia</c>) are matched through their chain ids. A requirement
    /// for a network not listed here is refused before anything is signed.
    /// </summary>
    public List<string> Networks { get; set; } = [];

    /// <summary>
    /// The longest an authorization may stay valid (default 10 minutes; 6 seconds to 1 day): <c>validBefore</c> is now plus
    /// the smaller of this and the requirement's <c>maxTimeoutSeconds</c>.
    /// </summary>
    public TimeSpan MaxValidity { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// JSON-RPC endpoints by chain id (<c>Mpp:X402:Rpc:8453</c>), used for one thing only: looking up a payment whose
    /// outcome is unknown (the answer was lost after the authorization was sent) with the token's
    /// <c>authorizationState(from, nonce)</c>, so that <c>PaymentReconciliation</c> can settle or release it. A chain with no
    /// endpoint leaves such payments for you to resolve. The URL may hold an API key: it is never logged nor repeated in an
    /// error.
    /// </summary>
    public Dictionary<string, string> Rpc { get; set; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string ToString() =>
        $"X402Options {{ PrivateKey = {(PrivateKey is null ? "unset" : "***")}, Networks = [{string.Join(", ", Networks)}], MaxValidity = {MaxValidity}, Rpc = [{string.Join(", ", Rpc.Keys)}] }}";
}
