using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// The parts of a tempo/charge request (draft-tempo-charge-01 § "Request Schema") a verifier checks a credential against.
/// Reading throws <see cref="FormatException"/> for a request that breaks the schema.
/// </summary>
internal sealed class ChargeTerms
{
    public required BigInteger Amount { get; init; }

    /// <summary>The TIP-20 token, lower-case hex.</summary>
    public required string Currency { get; init; }

    /// <summary>The primary recipient, lower-case hex.</summary>
    public required string Recipient { get; init; }

    /// <summary><c>methodDetails.chainId</c>, default 42431.</summary>
    public required ulong ChainId { get; init; }

    public required bool FeePayer { get; init; }

    /// <summary><c>methodDetails.memo</c> (32 bytes), or null.</summary>
    public required byte[]? Memo { get; init; }

    public required IReadOnlyList<(string Recipient, BigInteger Amount, byte[]? Memo)> Splits { get; init; }

    /// <summary><c>methodDetails.supportedModes</c>, or null when absent (both modes, for version 00 compatibility).</summary>
    public required IReadOnlyList<string>? SupportedModes { get; init; }

    public bool Allows(string mode) => SupportedModes is null || SupportedModes.Contains(mode, StringComparer.Ordinal);

    public static ChargeTerms Read(JsonElement request)
    {
        var details = request.TryGetProperty("methodDetails", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        var splits = new List<(string, BigInteger, byte[]?)>();
        if (details.ValueKind == JsonValueKind.Object && details.TryGetProperty("splits", out var s))
        {
            foreach (var split in s.EnumerateArray())
            {
                splits.Add((Address(split, "recipient"), ReadAmount(split), OptionalMemo(split)));
            }
        }

        List<string>? modes = null;
        if (details.ValueKind == JsonValueKind.Object && details.TryGetProperty("supportedModes", out var m))
        {
            modes = [.. m.EnumerateArray().Select(e => e.GetString() ?? throw new FormatException("supportedModes holds strings."))];
        }

        return new ChargeTerms
        {
            Amount = ReadAmount(request),
            Currency = Address(request, "currency"),
            Recipient = Address(request, "recipient"),
            ChainId = details.ValueKind == JsonValueKind.Object && details.TryGetProperty("chainId", out var c) ? c.GetUInt64() : TempoChains.TestnetChainId,
            FeePayer = details.ValueKind == JsonValueKind.Object && details.TryGetProperty("feePayer", out var f) && f.GetBoolean(),
            Memo = details.ValueKind == JsonValueKind.Object ? OptionalMemo(details) : null,
            Splits = splits,
            SupportedModes = modes,
        };
    }

    private static string Address(JsonElement element, string name) =>
        EvmAddress.Normalize(element.GetProperty(name).GetString() ?? throw new FormatException($"{name} is a string."));

    private static BigInteger ReadAmount(JsonElement element)
    {
        var text = element.GetProperty("amount").GetString();
        return text is { Length: > 0 } && text.All(char.IsAsciiDigit)
            ? BigInteger.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : throw new FormatException("An amount is a base-10 integer string.");
    }

    private static byte[]? OptionalMemo(JsonElement element)
    {
        if (!element.TryGetProperty("memo", out var memo))
        {
            return null;
        }

        var bytes = Hex.Decode(memo.GetString() ?? throw new FormatException("A memo is a string."));
        return bytes.Length == 32 ? bytes : throw new FormatException("A memo is 32 bytes.");
    }
}
