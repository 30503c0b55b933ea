using System.Security.Cryptography;
using System.Text;
using NBitcoin;
using NBitcoin.DataEncoders;

namespace Mpp.Client.Lightning.Invoices;

/// <summary>
/// Writes BOLT11 invoices, for the test kit's verifier (which issues regtest invoices) and for tests that need hostile
/// invoices: the fields are laid out in 5-bit groups here and signed with NBitcoin's compact (recoverable) secp256k1
/// signature; NBitcoin's bech32 encoder adds the checksum. Internal: a payer SDK does not issue invoices.
/// </summary>
internal sealed class Bolt11Encoder
{
    private readonly List<byte> _fields = [];

    public Bolt11Encoder(LightningNetwork network, long? amountMsat, DateTimeOffset timestamp)
    {
        Network = network;
        AmountMsat = amountMsat;
        Timestamp = timestamp;
    }

    public LightningNetwork Network { get; }

    public long? AmountMsat { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>Overrides the amount part of the prefix as written (to write hostile amounts).</summary>
    public string? AmountText { get; set; }

    /// <summary>Overrides the prefix as written.</summary>
    public string? PrefixText { get; set; }

    public Bolt11Encoder PaymentHash(ReadOnlySpan<byte> hash) => Bytes(1, hash);

    public Bolt11Encoder PaymentSecret(ReadOnlySpan<byte> secret) => Bytes(16, secret);

    public Bolt11Encoder Description(string text) => Bytes(13, Encoding.UTF8.GetBytes(text));

    public Bolt11Encoder DescriptionHash(ReadOnlySpan<byte> hash) => Bytes(23, hash);

    public Bolt11Encoder PayeeNodeId(PubKey key) => Bytes(19, key.ToBytes());

    public Bolt11Encoder Expiry(long seconds) => Number(6, (ulong)seconds);

    public Bolt11Encoder MinFinalCltvExpiry(long delta) => Number(24, (ulong)delta);

    /// <summary>Feature bits (e.g. 9 var_onion_optin, 14 payment_secret).</summary>
    public Bolt11Encoder Features(params int[] bits)
    {
        var groups = new byte[(bits.Max() / 5) + 1];
        foreach (var bit in bits)
        {
            groups[groups.Length - 1 - (bit / 5)] |= (byte)(1 << (bit % 5));
        }

        return Field(5, groups);
    }

    /// <summary>A raw field of 5-bit groups.</summary>
    public Bolt11Encoder Field(int type, IReadOnlyList<byte> groups)
    {
        _fields.Add((byte)type);
        _fields.Add((byte)(groups.Count >> 5));
        _fields.Add((byte)(groups.Count & 31));
        _fields.AddRange(groups);
        return this;
    }

    /// <summary>Signs with <paramref name="key"/> and encodes; <paramref name="corruptSignature"/> flips a bit of the signature (hostile invoices).</summary>
    public string Sign(Key key, bool corruptSignature = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hrp = (PrefixText ?? Bolt11Decoder.PrefixOf(Network)) + (AmountText ?? AmountPart(AmountMsat));
        var data = new List<byte>(7 + _fields.Count + 104);
        var ts = (ulong)Timestamp.ToUnixTimeSeconds();
        for (var i = 6; i >= 0; i--)
        {
            data.Add((byte)((ts >> (i * 5)) & 31));
        }

        data.AddRange(_fields);
        var hrpBytes = Encoding.ASCII.GetBytes(hrp);
        var body = Bolt11Decoder.ToBytes(data.ToArray(), pad: true);
        var message = new byte[hrpBytes.Length + body.Length];
        hrpBytes.CopyTo(message, 0);
        body.CopyTo(message, hrpBytes.Length);
        var signature = key.SignCompact(new uint256(SHA256.HashData(message)));
        var sig = new byte[65];
        signature.Signature.CopyTo(sig, 0);
        sig[64] = (byte)signature.RecoveryId;
        if (corruptSignature)
        {
            sig[10] ^= 0x01;
        }

        data.AddRange(ToGroups(sig));
        var encoder = new Bech32Encoder(hrpBytes) { StrictLength = false };
        return encoder.EncodeData(data.ToArray(), Bech32EncodingType.BECH32);
    }

    internal static string AmountPart(long? msat)
    {
        if (msat is not { } a)
        {
            return "";
        }

        // The shortest exact representation (BOLT #11: SHOULD use the largest multiplier).
        if (a % 100_000_000_000 == 0)
        {
            return (a / 100_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (unit, suffix) in new[] { (100_000_000L, 'm'), (100_000L, 'u'), (100L, 'n') })
        {
            if (a % unit == 0)
            {
                return (a / unit).ToString(System.Globalization.CultureInfo.InvariantCulture) + suffix;
            }
        }

        return (a * 10).ToString(System.Globalization.CultureInfo.InvariantCulture) + "p";
    }

    private Bolt11Encoder Bytes(int type, ReadOnlySpan<byte> bytes) => Field(type, ToGroups(bytes));

    private Bolt11Encoder Number(int type, ulong value)
    {
        var groups = new List<byte>();
        do
        {
            groups.Insert(0, (byte)(value & 31));
            value >>= 5;
        }
        while (value > 0);
        return Field(type, groups);
    }

    internal static byte[] ToGroups(ReadOnlySpan<byte> bytes)
    {
        var groups = new byte[((bytes.Length * 8) + 4) / 5];
        var acc = 0;
        var bits = 0;
        var o = 0;
        foreach (var b in bytes)
        {
            acc = ((acc << 8) | b) & 0xFFF;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                groups[o++] = (byte)((acc >> bits) & 31);
            }
        }

        if (bits > 0)
        {
            groups[o] = (byte)((acc << (5 - bits)) & 31);
        }

        return groups;
    }
}
