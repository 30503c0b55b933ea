namespace Mpp.Client.Tempo.Session;

/// <summary>
/// The channel backend a tempo/session challenge names in <c>methodDetails.sessionProtocol</c>
/// (draft-tempo-session-00 § "Protocol Versions"; mppx 0.11.0 <c>Constants.SessionProtocols</c>).
/// </summary>
internal enum SessionProtocol
{
    /// <summary><c>"v1"</c>: the legacy <c>TempoStreamChannel</c> escrow contract (also assumed when the field is absent).</summary>
    V1 = 1,

    /// <summary><c>"v2"</c>: the TIP-1034 TIP-20 channel escrow precompile; what mppx 0.11.0's server emits.</summary>
    V2 = 2,
}
