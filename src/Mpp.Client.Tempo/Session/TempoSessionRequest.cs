using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A tempo/session challenge request read strictly (draft-tempo-session-00 § "Request Schema", § "Method Details";
/// mppx 0.11.0 <c>Methods.session</c>). Addresses are lower-case 0x hex; amounts are base units.
/// </summary>
/// <param name="Amount">Price per unit (<c>amount</c>), greater than zero.</param>
/// <param name="UnitType">What a unit is (<c>unitType</c>, e.g. <c>"llm_token"</c>), or null.</param>
/// <param name="SuggestedDeposit">The server's suggested deposit (<c>suggestedDeposit</c>), or null.</param>
/// <param name="Currency">The TIP-20 token (<c>currency</c>).</param>
/// <param name="Recipient">The payee (<c>recipient</c>).</param>
/// <param name="EscrowContract">The escrow (<c>methodDetails.escrowContract</c>; for v2 the precompile when absent).</param>
/// <param name="ChainId">The chain (<c>methodDetails.chainId</c>; 4217 when absent).</param>
/// <param name="Protocol">The channel backend (<c>methodDetails.sessionProtocol</c>; v1 when absent).</param>
internal sealed record TempoSessionRequest(
    BigInteger Amount,
    string? UnitType,
    BigInteger? SuggestedDeposit,
    string Currency,
    string Recipient,
    string EscrowContract,
    ulong ChainId,
    SessionProtocol Protocol)
{
    /// <summary>A channel the server suggests resuming (<c>methodDetails.channelId</c>, lower-case bytes32 hex), or null.</summary>
    public string? ChannelId { get; init; }

    /// <summary>The server's minimum increase between vouchers (<c>methodDetails.minVoucherDelta</c>), or null.</summary>
    public BigInteger? MinVoucherDelta { get; init; }

    /// <summary>The server sponsors fees of the open and top-up transactions (<c>methodDetails.feePayer</c>; mppx
    /// also sends an object there, which means true).</summary>
    public bool FeePayer { get; init; }

    /// <summary>The fee token the server names (<c>methodDetails.feeToken</c>), or null (then the channel token).</summary>
    public string? FeeToken { get; init; }

    /// <summary>The descriptor's operator (<c>methodDetails.operator</c>); the zero address when absent.</summary>
    public string Operator { get; init; } = EscrowAbi.ZeroAddress;

    /// <summary>The server's snapshot of a reusable v2 channel (<c>methodDetails.sessionSnapshot</c>), or null.</summary>
    public SessionSnapshot? Snapshot { get; init; }
}
