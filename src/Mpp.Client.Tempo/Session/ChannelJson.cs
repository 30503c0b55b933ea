using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Mpp.Client.Tempo.Session;

/// <summary>One <see cref="TempoChannel"/> as a JSON object: the form <see cref="FileChannelStore"/> and
/// <see cref="LedgerChannelStore"/> both keep (amounts as decimal strings of base units, times in ISO 8601).</summary>
internal static class ChannelJson
{
    /// <summary>Writes <paramref name="c"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, TempoChannel c)
    {
        w.WriteStartObject();
        w.WriteString("key", c.Key);
        w.WriteString("origin", c.Origin);
        w.WriteString("channelId", c.ChannelId);
        w.WriteString("chainId", c.ChainId.ToString(CultureInfo.InvariantCulture));
        w.WriteString("escrow", c.Escrow);
        w.WriteString("payer", c.Payer);
        w.WriteString("payee", c.Payee);
        w.WriteString("operator", c.Operator);
        w.WriteString("token", c.Token);
        w.WriteString("salt", c.Salt);
        w.WriteString("authorizedSigner", c.AuthorizedSigner);
        w.WriteString("expiringNonceHash", c.ExpiringNonceHash);
        w.WriteString("deposit", c.Deposit.ToString(CultureInfo.InvariantCulture));
        w.WriteString("highestSigned", c.HighestSigned.ToString(CultureInfo.InvariantCulture));
        if (c.HighestSignature is { } signature)
        {
            w.WriteString("highestSignature", signature);
        }

        w.WriteString("accepted", c.Accepted.ToString(CultureInfo.InvariantCulture));
        w.WriteString("counted", c.Counted.ToString(CultureInfo.InvariantCulture));
        w.WriteString("fees", c.Fees.ToString(CultureInfo.InvariantCulture));
        if (c.DepositEntryId is { } entry)
        {
            w.WriteString("depositEntryId", entry.ToString("D", CultureInfo.InvariantCulture));
        }

        w.WriteString("status", c.Status.ToString());
        w.WriteString("openedAt", c.OpenedAt.ToString("O", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    /// <summary>Reads one channel object.</summary>
    /// <exception cref="FormatException">A member is missing, null or malformed (also <see cref="KeyNotFoundException"/>, <see cref="InvalidOperationException"/>).</exception>
    public static TempoChannel Read(JsonElement c)
    {
        return new TempoChannel
        {
            Key = Text(c, "key"),
            Origin = Text(c, "origin"),
            ChannelId = Text(c, "channelId"),
            ChainId = ulong.Parse(Text(c, "chainId"), NumberStyles.None, CultureInfo.InvariantCulture),
            Escrow = Text(c, "escrow"),
            Payer = Text(c, "payer"),
            Payee = Text(c, "payee"),
            Operator = Text(c, "operator"),
            Token = Text(c, "token"),
            Salt = Text(c, "salt"),
            AuthorizedSigner = Text(c, "authorizedSigner"),
            ExpiringNonceHash = Text(c, "expiringNonceHash"),
            Deposit = Amount(c, "deposit"),
            HighestSigned = Amount(c, "highestSigned"),
            HighestSignature = c.TryGetProperty("highestSignature", out var sig) && sig.ValueKind == JsonValueKind.String ? sig.GetString() : null,
            Accepted = Amount(c, "accepted"),
            Counted = Amount(c, "counted"),
            Fees = Amount(c, "fees"),
            DepositEntryId = c.TryGetProperty("depositEntryId", out var entry) && entry.ValueKind == JsonValueKind.String ? Guid.Parse(entry.GetString()!, CultureInfo.InvariantCulture) : null,
            Status = Enum.Parse<TempoChannelStatus>(Text(c, "status")),
            OpenedAt = DateTimeOffset.Parse(Text(c, "openedAt"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        };
    }

    private static string Text(JsonElement e, string name) => e.GetProperty(name).GetString() ?? throw new FormatException($"{name} is null.");

    private static BigInteger Amount(JsonElement e, string name)
    {
        var text = Text(e, name);
        return text.Length > 0 && text.All(char.IsAsciiDigit) ? BigInteger.Parse(text, CultureInfo.InvariantCulture) : throw new FormatException($"{name} is not a base-unit amount.");
    }
}
