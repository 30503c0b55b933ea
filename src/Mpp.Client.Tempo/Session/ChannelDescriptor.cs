using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mpp.Client.Tempo.Encoding;

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
        Payer = Address(payer, "payer");
        Payee = Address(payee, "payee");
        Operator = Address(@operator, "operator");
        Token = Address(token, "token");
        Salt = AbiWords.NormalizeBytes32(salt, "descriptor salt");
        AuthorizedSigner = Address(authorizedSigner, "authorizedSigner");
        ExpiringNonceHash = AbiWords.NormalizeBytes32(expiringNonceHash, "descriptor expiringNonceHash");
    }

    /// <summary>The account that funds the channel and gets the refund.</summary>
    [JsonPropertyName("payer")]
    [JsonPropertyOrder(1)]
    public string Payer { get; }

    /// <summary>The account settled vouchers pay.</summary>
    [JsonPropertyName("payee")]
    [JsonPropertyOrder(2)]
    public string Payee { get; }

    /// <summary>The payee-side operator; the zero address when unset.</summary>
    [JsonPropertyName("operator")]
    [JsonPropertyOrder(3)]
    public string Operator { get; }

    /// <summary>The TIP-20 token the channel holds.</summary>
    [JsonPropertyName("token")]
    [JsonPropertyOrder(4)]
    public string Token { get; }

    /// <summary>Payer-chosen bytes32 entropy.</summary>
    [JsonPropertyName("salt")]
    [JsonPropertyOrder(5)]
    public string Salt { get; }

    /// <summary>The voucher signer; the zero address delegates to <see cref="Payer"/>. mppx 0.11.0 writes the payer's own
    /// address here (not zero).</summary>
    [JsonPropertyName("authorizedSigner")]
    [JsonPropertyOrder(6)]
    public string AuthorizedSigner { get; }

    /// <summary>keccak256(encodeForSigning(openTx) ‖ sender): binds the channel to its open transaction.</summary>
    [JsonPropertyName("expiringNonceHash")]
    [JsonPropertyOrder(7)]
    public string ExpiringNonceHash { get; }

    /// <summary>The address whose vouchers count: <see cref="AuthorizedSigner"/>, or <see cref="Payer"/> when it is zero.</summary>
    [JsonIgnore]
    public string EffectiveSigner => AuthorizedSigner == EscrowAbi.ZeroAddress ? Payer : AuthorizedSigner;

    /// <summary>channelId = keccak256(abi.encode(payer, payee, operator, token, salt, authorizedSigner,
    /// expiringNonceHash, escrow, chainId)), lower-case 0x hex.</summary>
    /// <exception cref="FormatException">The escrow is not an address.</exception>
    public string ComputeChannelId(string escrow, ulong chainId)
    {
        Span<byte> words = stackalloc byte[9 * AbiWords.Size];
        WriteWords(words);
        AbiWords.WriteAddress(words[(7 * AbiWords.Size)..], escrow);
        AbiWords.WriteUInt(words[(8 * AbiWords.Size)..], new BigInteger(chainId), 256, "chainId");
        return Hex.Encode(Keccak.Hash(words));
    }

    /// <summary>Writes the descriptor as the static 7-word ABI tuple.</summary>
    internal void WriteWords(Span<byte> words)
    {
        AbiWords.WriteAddress(words, Payer);
        AbiWords.WriteAddress(words[32..], Payee);
        AbiWords.WriteAddress(words[64..], Operator);
        AbiWords.WriteAddress(words[96..], Token);
        AbiWords.WriteBytes32(words[128..], Salt, "salt");
        AbiWords.WriteAddress(words[160..], AuthorizedSigner);
        AbiWords.WriteBytes32(words[192..], ExpiringNonceHash, "expiringNonceHash");
    }

    /// <summary>Reads the static 7-word ABI tuple.</summary>
    /// <exception cref="FormatException">An address word is not left-padded.</exception>
    internal static ChannelDescriptor ReadWords(ReadOnlySpan<byte> words) => new(
        AbiWords.ReadAddress(words, "descriptor.payer"),
        AbiWords.ReadAddress(words[32..], "descriptor.payee"),
        AbiWords.ReadAddress(words[64..], "descriptor.operator"),
        AbiWords.ReadAddress(words[96..], "descriptor.token"),
        AbiWords.ReadBytes32(words[128..]),
        AbiWords.ReadAddress(words[160..], "descriptor.authorizedSigner"),
        AbiWords.ReadBytes32(words[192..]));

    /// <summary>Writes the wire object <c>{payer, payee, operator, token, salt, authorizedSigner, expiringNonceHash}</c>.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        JsonSerializer.Serialize(writer, this, SessionJsonContext.Default.ChannelDescriptor);
    }

    /// <summary>Reads the wire object; any field missing or malformed is a <see cref="FormatException"/> naming the field.</summary>
    public static ChannelDescriptor FromJson(JsonElement descriptor)
    {
        if (descriptor.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The channel descriptor is not a JSON object.");
        }

        return new ChannelDescriptor(
            Field(descriptor, "payer"),
            Field(descriptor, "payee"),
            Field(descriptor, "operator"),
            Field(descriptor, "token"),
            Field(descriptor, "salt"),
            Field(descriptor, "authorizedSigner"),
            Field(descriptor, "expiringNonceHash"));
    }

    private static string Field(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text
            ? text
            : throw new FormatException($"The channel descriptor's {name} is missing or not a string.");

    private static string Address(string value, string label)
    {
        try
        {
            return EvmAddress.Normalize(value);
        }
        catch (Exception e) when (e is FormatException or ArgumentNullException)
        {
            throw new FormatException($"The channel descriptor's {label} is not a 20-byte hex address.", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ChannelDescriptor {{ Payer = {Payer}, Payee = {Payee}, Token = {Token}, Salt = {Salt} }}";
}
