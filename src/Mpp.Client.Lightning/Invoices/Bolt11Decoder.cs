using System.Security.Cryptography;
using System.Text;
using NBitcoin;
using NBitcoin.Crypto;
using NBitcoin.DataEncoders;

namespace Mpp.Client.Lightning.Invoices;

/// <summary>
/// BOLT11 decoding on NBitcoin's primitives: its bech32 decoder (with <c>StrictLength</c> off, since invoices exceed
/// BIP-173's 90 characters) and its secp256k1 public-key recovery. What is written here is only the BOLT11 layout: the
/// prefix and amount, the 5-bit field walk and the bit regrouping of field data.
/// </summary>
internal static class Bolt11Decoder
{
    /// <summary>A bound on input length (BOLT11 sets none; the largest real invoices, with many route hints, stay well under).</summary>
    internal const int MaxLength = 7089;

    private const int SignatureGroups = 104; // 520 bits
    private const int TimestampGroups = 7; // 35 bits
    private const long MsatPerBtc = 100_000_000_000;

    /// <summary>The order n of secp256k1's group.</summary>
    private static readonly System.Numerics.BigInteger CurveOrder = System.Numerics.BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    // Feature bits of invoice context "9" in BOLT #9 this decoder knows (even = required, odd = optional).
    private static readonly HashSet<int> KnownFeatures = [8, 9, 14, 15, 16, 17, 24, 25, 36, 37, 48, 49];

    public static Bolt11Invoice Decode(string text)
    {
        if (text.Length > MaxLength)
        {
            throw Fail(Bolt11Error.MalformedBech32, $"The invoice is longer than {MaxLength} characters.");
        }

        var hasLower = false;
        var hasUpper = false;
        foreach (var ch in text)
        {
            hasLower |= char.IsAsciiLetterLower(ch);
            hasUpper |= char.IsAsciiLetterUpper(ch);
            if (ch is < '!' or > '~')
            {
                throw Fail(Bolt11Error.MalformedBech32, "The invoice has characters outside printable ASCII.");
            }
        }

        if (hasLower && hasUpper)
        {
            throw Fail(Bolt11Error.MalformedBech32, "The invoice mixes upper and lower case.");
        }

        var s = hasUpper ? text.ToLowerInvariant() : text;
        var separator = s.LastIndexOf('1');
        if (separator < 1 || separator + 7 > s.Length)
        {
            throw Fail(Bolt11Error.MalformedBech32, "The invoice has no bech32 separator '1' followed by data.");
        }

        var hrp = s[..separator];
        var (network, prefix) = ReadPrefix(hrp);
        var amount = ReadAmount(hrp[prefix.Length..]);

        byte[] data;
        try
        {
            var encoder = new Bech32Encoder(Encoding.ASCII.GetBytes(hrp)) { StrictLength = false };
            data = encoder.DecodeDataRaw(s, out var encoding);
            if (encoding != Bech32EncodingType.BECH32)
            {
                throw Fail(Bolt11Error.InvalidChecksum, "The invoice uses a bech32m checksum; BOLT11 uses bech32.");
            }
        }
        catch (FormatException e) when (e is not Bolt11FormatException)
        {
            var checksum = e is Bech32FormatException || e.Message.Contains("checksum", StringComparison.OrdinalIgnoreCase);
            throw Fail(checksum ? Bolt11Error.InvalidChecksum : Bolt11Error.MalformedBech32,
                checksum ? "The invoice's bech32 checksum is invalid." : "The invoice is not valid bech32.", e);
        }

        if (data.Length < TimestampGroups + SignatureGroups)
        {
            throw Fail(Bolt11Error.TooShort, "The invoice is too short to hold a timestamp and a signature.");
        }

        var end = data.Length - SignatureGroups;
        var timestamp = (long)ReadNumber(data.AsSpan(0, TimestampGroups));
        string? paymentHash = null, secret = null, description = null, descriptionHash = null, payee = null, metadata = null;
        long? expiry = null, minCltv = null;
        var fallbacks = new List<Bolt11FallbackAddress>();
        var routes = new List<IReadOnlyList<Bolt11RouteHop>>();
        List<int>? features = null;
        var descriptions = 0;
        var descriptionHashes = 0;
        var i = TimestampGroups;
        while (i < end)
        {
            if (i + 3 > end)
            {
                throw Fail(Bolt11Error.TooShort, "A tagged field header runs into the signature.");
            }

            var type = data[i];
            var length = (data[i + 1] << 5) | data[i + 2];
            i += 3;
            if (i + length > end)
            {
                throw Fail(Bolt11Error.TooShort, "A tagged field runs into the signature.");
            }

            var field = data.AsSpan(i, length);
            i += length;
            switch (type)
            {
                case 1 when length == 52: // p
                    paymentHash ??= Convert.ToHexStringLower(ToBytes(field).AsSpan(0, 32));
                    break;
                case 16 when length == 52: // s
                    secret ??= Convert.ToHexStringLower(ToBytes(field).AsSpan(0, 32));
                    break;
                case 13: // d
                    descriptions++;
                    try
                    {
                        description ??= new UTF8Encoding(false, true).GetString(ToBytes(field));
                    }
                    catch (DecoderFallbackException e)
                    {
                        throw Fail(Bolt11Error.InvalidField, "The description is not valid UTF-8.", e);
                    }

                    break;
                case 23 when length == 52: // h
                    descriptionHashes++;
                    descriptionHash ??= Convert.ToHexStringLower(ToBytes(field).AsSpan(0, 32));
                    break;
                case 19 when length == 53: // n
                    payee ??= Convert.ToHexStringLower(ToBytes(field).AsSpan(0, 33));
                    break;
                case 6: // x
                    expiry ??= (long)ReadBoundedNumber(field, "expiry");
                    break;
                case 24: // c
                    minCltv ??= (long)ReadBoundedNumber(field, "min_final_cltv_expiry_delta");
                    break;
                case 9 when length > 0: // f
                    if (ReadFallback(field, network) is { } fallback)
                    {
                        fallbacks.Add(fallback);
                    }

                    break;
                case 3: // r
                    routes.Add(ReadRoute(field));
                    break;
                case 5: // 9
                    features ??= ReadFeatures(field);
                    break;
                case 27: // m
                    metadata ??= Convert.ToHexStringLower(ToBytes(field));
                    break;
                default:
                    break; // unknown fields, and known ones of the wrong length, are skipped (BOLT #11 "A reader")
            }
        }

        if (paymentHash is null)
        {
            throw Fail(Bolt11Error.MissingPaymentHash, "The invoice has no payment hash.");
        }

        if ((descriptions == 0) == (descriptionHashes == 0))
        {
            throw Fail(Bolt11Error.InvalidDescription, descriptions == 0
                ? "The invoice has neither a description nor a description hash."
                : "The invoice has both a description and a description hash.");
        }

        features ??= [];
        if (secret is null)
        {
            throw Fail(Bolt11Error.MissingPaymentSecret, "The invoice has no payment secret (s field).");
        }

        if ((features.Contains(16) || features.Contains(17)) && !(features.Contains(14) || features.Contains(15)))
        {
            throw Fail(Bolt11Error.MissingFeatureDependency, "The invoice sets basic_mpp without payment_secret.");
        }

        var (node, explicitPayee) = CheckSignature(hrp, data, end, payee);
        return new Bolt11Invoice
        {
            PaymentRequest = s,
            Network = network,
            Prefix = prefix,
            AmountMsat = amount,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(timestamp),
            Expiry = TimeSpan.FromSeconds(expiry ?? 3600),
            PaymentHash = paymentHash,
            PaymentSecret = secret,
            Description = description,
            DescriptionHash = descriptionHash,
            MinFinalCltvExpiry = minCltv ?? 18,
            PayeeNodeId = node,
            PayeeNodeIdExplicit = explicitPayee,
            FallbackAddresses = fallbacks,
            RouteHints = routes,
            FeatureBits = features,
            Metadata = metadata,
        };
    }

    internal static (LightningNetwork Network, string Prefix) ReadPrefix(string hrp)
    {
        // Longest first: an amount starts with a digit, so "lnbcrt" and "lntbs" cannot be "lnbc"/"lntb" with an amount.
        if (hrp.StartsWith("lnbcrt", StringComparison.Ordinal))
        {
            return (LightningNetwork.Regtest, "lnbcrt");
        }

        if (hrp.StartsWith("lntbs", StringComparison.Ordinal))
        {
            return (LightningNetwork.Signet, "lntbs");
        }

        if (hrp.StartsWith("lnbc", StringComparison.Ordinal))
        {
            return (LightningNetwork.Mainnet, "lnbc");
        }

        if (hrp.StartsWith("lntb", StringComparison.Ordinal))
        {
            return (LightningNetwork.Testnet, "lntb");
        }

        throw Fail(Bolt11Error.UnknownPrefix, "The invoice's prefix is not lnbc, lntb, lntbs or lnbcrt.");
    }

    internal static string PrefixOf(LightningNetwork network) => network switch
    {
        LightningNetwork.Mainnet => "lnbc",
        LightningNetwork.Testnet => "lntb",
        LightningNetwork.Signet => "lntbs",
        _ => "lnbcrt",
    };

    private static long? ReadAmount(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var multiplier = text[^1];
        var digits = char.IsAsciiDigit(multiplier) ? text : text[..^1];
        if (digits.Length == 0 || digits.Length > 19 || digits[0] == '0' || !digits.All(char.IsAsciiDigit))
        {
            throw Fail(Bolt11Error.InvalidAmount, "The invoice amount is not a positive integer without leading zeros followed by m, u, n or p.");
        }

        var value = long.Parse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            return multiplier switch
            {
                'm' => checked(value * (MsatPerBtc / 1_000)),
                'u' => checked(value * (MsatPerBtc / 1_000_000)),
                'n' => checked(value * (MsatPerBtc / 1_000_000_000)),
                'p' => value % 10 == 0 ? value / 10 : throw Fail(Bolt11Error.SubMillisatoshiAmount, "The pico-bitcoin amount is not a whole number of millisatoshis."),
                _ when char.IsAsciiDigit(multiplier) => checked(value * MsatPerBtc),
                _ => throw Fail(Bolt11Error.InvalidAmount, "The invoice amount has an unknown multiplier."),
            };
        }
        catch (OverflowException e)
        {
            throw Fail(Bolt11Error.InvalidAmount, "The invoice amount is too large.", e);
        }
    }

    private static (string Node, bool Explicit) CheckSignature(string hrp, byte[] data, int end, string? payee)
    {
        var signature = ToBytes(data.AsSpan(end, SignatureGroups));
        var recoveryId = signature[64];
        if (recoveryId > 3)
        {
            throw Fail(Bolt11Error.InvalidSignature, "The signature's recovery id is not 0 to 3.");
        }

        var hrpBytes = Encoding.ASCII.GetBytes(hrp);
        var body = ToBytes(data.AsSpan(0, end), pad: true);
        var message = new byte[hrpBytes.Length + body.Length];
        hrpBytes.CopyTo(message, 0);
        body.CopyTo(message, hrpBytes.Length);
        var hash = new uint256(SHA256.HashData(message));
        var rs = signature.AsSpan(0, 64).ToArray();

        if (payee is not null)
        {
            // BOLT #11: with an n field, validate against it (not by recovery), and refuse a high-S signature.
            if (!ECDSASignature.TryParseFromCompact(rs, out var ecdsa) || !ecdsa.IsLowS)
            {
                throw Fail(Bolt11Error.InvalidSignature, "The signature is malformed or not low-S, which an invoice with an n field must be.");
            }

            if (PubKey.TryCreatePubKey(Convert.FromHexString(payee), out var key) && key.Verify(hash, ecdsa))
            {
                return (payee, true);
            }

            throw Fail(Bolt11Error.InvalidSignature, "The signature does not verify against the payee in the n field.");
        }

        try
        {
            // Recovery accepts high-S and low-S signatures alike (BOLT #11). Writers' recovery ids refer to the low-S form
            // (the BOLT's high-S example carries the same id as its low-S twin), so s is normalized to n - s first.
            var sValue = new System.Numerics.BigInteger(rs.AsSpan(32), isUnsigned: true, isBigEndian: true);
            if (sValue > CurveOrder / 2 && sValue < CurveOrder)
            {
                var low = CurveOrder - sValue;
                rs.AsSpan(32).Clear();
                low.TryWriteBytes(rs.AsSpan(32 + 32 - low.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
            }

            return (new CompactSignature(recoveryId, rs).RecoverPubKey(hash).ToHex(), false);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw Fail(Bolt11Error.InvalidSignature, "The signature is not recoverable.", e);
        }
    }

    private static Bolt11FallbackAddress? ReadFallback(ReadOnlySpan<byte> field, LightningNetwork network)
    {
        var version = field[0];
        if (version > 18)
        {
            return null; // unknown versions are skipped
        }

        var program = ToBytes(field[1..]);
        var net = network switch
        {
            LightningNetwork.Mainnet => Network.Main,
            LightningNetwork.Testnet => Network.TestNet,
            LightningNetwork.Signet => Bitcoin.Instance.Signet,
            _ => Network.RegTest,
        };
        string? address = null;
        try
        {
            address = (version, program.Length) switch
            {
                (17, 20) => new KeyId(program).GetAddress(net).ToString(),
                (18, 20) => new ScriptId(program).GetAddress(net).ToString(),
                (0, 20) => new WitKeyId(program).GetAddress(net).ToString(),
                (0, 32) => new WitScriptId(program).GetAddress(net).ToString(),
                (1, 32) => new TaprootPubKey(program).GetAddress(net).ToString(),
                _ => null,
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            address = null;
        }

        if (version is 17 or 18 && program.Length != 20)
        {
            throw Fail(Bolt11Error.InvalidField, "A P2PKH or P2SH fallback address is not 20 bytes.");
        }

        return new Bolt11FallbackAddress(version, Convert.ToHexStringLower(program), address);
    }

    private static List<Bolt11RouteHop> ReadRoute(ReadOnlySpan<byte> field)
    {
        var bytes = ToBytes(field);
        if (bytes.Length == 0 || bytes.Length % 51 != 0)
        {
            throw Fail(Bolt11Error.InvalidField, "A route hint is not a whole number of 51-byte hops.");
        }

        var hops = new List<Bolt11RouteHop>(bytes.Length / 51);
        for (var o = 0; o < bytes.Length; o += 51)
        {
            var hop = bytes.AsSpan(o, 51);
            hops.Add(new Bolt11RouteHop(
                Convert.ToHexStringLower(hop[..33]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hop[33..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hop[41..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(hop[45..]),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(hop[49..])));
        }

        return hops;
    }

    private static List<int> ReadFeatures(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && field[0] == 0)
        {
            throw Fail(Bolt11Error.InvalidField, "The features field is not minimally encoded.");
        }

        var bits = new List<int>();
        for (var g = 0; g < field.Length; g++)
        {
            var value = field[field.Length - 1 - g];
            for (var b = 0; b < 5; b++)
            {
                if ((value & (1 << b)) != 0)
                {
                    bits.Add((g * 5) + b);
                }
            }
        }

        foreach (var bit in bits)
        {
            if (bit % 2 == 0 && !KnownFeatures.Contains(bit))
            {
                throw Fail(Bolt11Error.UnknownRequiredFeature, $"The invoice requires feature bit {bit}, which this wallet does not know.");
            }
        }

        return bits;
    }

    /// <summary>A number field: at most 60 bits, in the minimal length (no leading zero groups: BOLT #11 says treat it as invalid).</summary>
    private static ulong ReadBoundedNumber(ReadOnlySpan<byte> groups, string name)
    {
        if (groups.Length > 12)
        {
            throw Fail(Bolt11Error.InvalidField, $"The {name} field is too large.");
        }

        if (groups.Length > 0 && groups[0] == 0)
        {
            throw Fail(Bolt11Error.InvalidField, $"The {name} field is not minimally encoded.");
        }

        return ReadNumber(groups);
    }

    private static ulong ReadNumber(ReadOnlySpan<byte> groups)
    {
        ulong value = 0;
        foreach (var g in groups)
        {
            value = (value << 5) | g;
        }

        return value;
    }

    /// <summary>
    /// Regroups 5-bit values into bytes. Field data drops the trailing bits that do not fill a byte (the writer's padding);
    /// the signed message is zero-padded to the next byte instead (<paramref name="pad"/>).
    /// </summary>
    internal static byte[] ToBytes(ReadOnlySpan<byte> groups, bool pad = false)
    {
        var result = new byte[pad ? ((groups.Length * 5) + 7) / 8 : groups.Length * 5 / 8];
        var acc = 0;
        var bits = 0;
        var o = 0;
        foreach (var g in groups)
        {
            acc = (acc << 5) | g;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                result[o++] = (byte)(acc >> bits);
            }
        }

        if (pad && bits > 0)
        {
            result[o] = (byte)(acc << (8 - bits));
        }

        return result;
    }

    private static Bolt11FormatException Fail(Bolt11Error error, string message, Exception? inner = null) => new(error, message, inner);
}
