using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A TIP-1034 channel descriptor (draft-tempo-session-00 § "Channel Descriptor"; ox <c>tempo/Channel.ts</c>): carried
/// in every v2 credential payload as <c>descriptor</c>. Addresses and bytes32 values are normalised to lower-case
/// 0x hex by the constructor, which throws <see cref="FormatException"/> for anything else.
/// </summary>
internal sealed record ChannelDescriptor
{
    /// <summary>Validates and normalises every field.</summary>
    /// <exception cref="FormatException">An address is not 20-byte hex, or salt / expiringNonceHash is not bytes32 hex.</exception>
    public ChannelDescriptor(string payer, string payee, string @operator, string token, string salt, string authorizedSigner, string expiringNonceHash)
    {
        throw new NotImplementedException();
    }

    /// <summary>The account that funds the channel and gets the refund.</summary>
    [JsonPropertyName("payer")]
    public string Payer { get; }

    /// <summary>The account settled vouchers pay.</summary>
    [JsonPropertyName("payee")]
    public string Payee { get; }

    /// <summary>The payee-side operator; the zero address when unset.</summary>
    [JsonPropertyName("operator")]
    public string Operator { get; }

    /// <summary>The TIP-20 token the channel holds.</summary>
    [JsonPropertyName("token")]
    public string Token { get; }

    /// <summary>Payer-chosen bytes32 entropy.</summary>
    [JsonPropertyName("salt")]
    public string Salt { get; }

    /// <summary>The voucher signer; the zero address delegates to <see cref="Payer"/>. mppx 0.11.0 writes the payer's own
    /// address here (not zero).</summary>
    [JsonPropertyName("authorizedSigner")]
    public string AuthorizedSigner { get; }

    /// <summary>keccak256(encodeForSigning(openTx) ‖ sender): binds the channel to its open transaction.</summary>
    [JsonPropertyName("expiringNonceHash")]
    public string ExpiringNonceHash { get; }

    /// <summary>The address whose vouchers count: <see cref="AuthorizedSigner"/>, or <see cref="Payer"/> when it is zero.</summary>
    [JsonIgnore]
    public string EffectiveSigner => throw new NotImplementedException();

    /// <summary>channelId = keccak256(abi.encode(payer, payee, operator, token, salt, authorizedSigner,
    /// expiringNonceHash, escrow, chainId)), lower-case 0x hex.</summary>
    public string ComputeChannelId(string escrow, ulong chainId) => throw new NotImplementedException();

    /// <summary>Writes the wire object <c>{payer, payee, operator, token, salt, authorizedSigner, expiringNonceHash}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer) => throw new NotImplementedException();

    /// <summary>Reads the wire object; any field missing or malformed is a <see cref="FormatException"/> naming the field.</summary>
    public static ChannelDescriptor FromJson(JsonElement descriptor) => throw new NotImplementedException();
}
