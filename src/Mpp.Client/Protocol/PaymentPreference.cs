using System.Globalization;

namespace Mpp.Client.Protocol;

/// <summary>
/// One range of the <c>Accept-Payment</c> header (core spec draft-02 § "Client Payment Preferences"):
/// <c>method/intent</c>, either side may be <c>*</c>, with a weight <c>q</c> in [0, 1].
/// </summary>
public sealed record PaymentPreference
{
    /// <summary>Creates a range.</summary>
    /// <exception cref="ArgumentException">The method or intent is not a valid identifier or <c>*</c>, or q is outside [0, 1].</exception>
    public PaymentPreference(string method, string intent, double q = 1.0)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(intent);
        if (method != "*" && !Challenge.IsExtendedMethodId(method))
        {
            throw new ArgumentException($"'{method}' is not a payment method identifier (lowercase letters; digits and '-' after the first letter for other schemes' methods such as x402) or '*'.", nameof(method));
        }

        if (intent != "*" && !Challenge.IsIntent(intent))
        {
            throw new ArgumentException($"'{intent}' is not a payment intent or '*'.", nameof(intent));
        }

        if (!(q >= 0 && q <= 1))
        {
            throw new ArgumentException("q must be between 0 and 1.", nameof(q));
        }

        Method = method;
        Intent = intent;
        Q = Math.Round(q, 3);
    }

    /// <summary>The method identifier or <c>*</c>.</summary>
    public string Method { get; }

    /// <summary>The intent or <c>*</c>.</summary>
    public string Intent { get; }

    /// <summary>The weight; 0 means "do not use".</summary>
    public double Q { get; }

    /// <summary>How specific the range is: 2 for <c>m/i</c>, 1 for one wildcard, 0 for <c>*/*</c>.</summary>
    public int Specificity => (Method == "*" ? 0 : 1) + (Intent == "*" ? 0 : 1);

    /// <summary>True when this range covers the method and intent.</summary>
    public bool Matches(string method, string intent) =>
        (Method == "*" || Method == method) && (Intent == "*" || Intent == intent);

    /// <summary>Parses <c>method/intent</c> with an optional <c>;q=</c> weight.</summary>
    /// <exception cref="FormatException">The text is not a payment range.</exception>
    public static PaymentPreference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(';', StringSplitOptions.TrimEntries);
        var slash = parts[0].IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == parts[0].Length - 1)
        {
            throw new FormatException($"'{text}' is not a payment range (method/intent).");
        }

        var q = 1.0;
        for (var i = 1; i < parts.Length; i++)
        {
            var kv = parts[i].Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && kv[0].Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                if (!double.TryParse(kv[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out q))
                {
                    throw new FormatException($"'{text}' has an invalid q value.");
                }
            }
        }

        try
        {
            return new PaymentPreference(parts[0][..slash], parts[0][(slash + 1)..], q);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>Formats the range; <c>q</c> is omitted when it is 1.</summary>
    public override string ToString() =>
        Q >= 1 ? $"{Method}/{Intent}" : $"{Method}/{Intent};q={Q.ToString("0.###", CultureInfo.InvariantCulture)}";

    /// <summary>The weight of the most specific range covering the method and intent, or null when none does.</summary>
    public static double? WeightOf(IEnumerable<PaymentPreference> preferences, string method, string intent)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        PaymentPreference? best = null;
        foreach (var p in preferences)
        {
            if (p.Matches(method, intent) && (best is null || p.Specificity > best.Specificity))
            {
                best = p;
            }
        }

        return best?.Q;
    }

    /// <summary>Formats an <c>Accept-Payment</c> field value.</summary>
    public static string FormatHeader(IEnumerable<PaymentPreference> preferences) => string.Join(", ", preferences);
}
