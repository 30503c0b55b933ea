namespace Mpp.Client.Tempo.Session;

/// <summary>
/// The v1 (legacy <c>TempoStreamChannel</c> contract) channel id: keccak256(abi.encode(payer, payee, token, salt,
/// authorizedSigner, escrowContract, chainId)) (draft-tempo-session-00 § "Contract-Backed Channel State"; mppx 0.11.0
/// <c>tempo/legacy/session/Channel.js</c>). v1 payloads carry no descriptor.
/// </summary>
internal static class LegacyChannel
{
    /// <summary>The v1 channel id, lower-case 0x hex.</summary>
    /// <exception cref="FormatException">An address or the salt is malformed.</exception>
    public static string ComputeChannelId(string payer, string payee, string token, string salt, string authorizedSigner, string escrow, ulong chainId) =>
        throw new NotImplementedException();
}
