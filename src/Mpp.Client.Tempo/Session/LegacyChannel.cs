using System.Numerics;
using Mpp.Client.Tempo.Encoding;

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
    public static string ComputeChannelId(string payer, string payee, string token, string salt, string authorizedSigner, string escrow, ulong chainId)
    {
        Span<byte> words = stackalloc byte[7 * AbiWords.Size];
        AbiWords.WriteAddress(words, payer);
        AbiWords.WriteAddress(words[32..], payee);
        AbiWords.WriteAddress(words[64..], token);
        AbiWords.WriteBytes32(words[96..], salt, "salt");
        AbiWords.WriteAddress(words[128..], authorizedSigner);
        AbiWords.WriteAddress(words[160..], escrow);
        AbiWords.WriteUInt(words[192..], new BigInteger(chainId), 256, "chainId");
        return Hex.Encode(Keccak.Hash(words));
    }
}
