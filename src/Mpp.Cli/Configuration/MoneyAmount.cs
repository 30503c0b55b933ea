using System.Globalization;
using System.Text.RegularExpressions;

namespace Mpp.Cli.Configuration;

/// <summary>An amount in a unit, as written on the command line: <c>0.10usd</c>, <c>0.10 usd</c>, <c>5sat</c>.</summary>
internal sealed partial record MoneyAmount(decimal Amount, string Unit)
{
    public static bool TryParse(string? text, out MoneyAmount? amount, out string? error)
    {
        amount = null;
        error = null;
        var match = text is null ? null : Pattern().Match(text.Trim());
        if (match is not { Success: true })
        {
            error = $"'{text}' is not an amount with a unit (such as 0.10usd).";
            return false;
        }

        if (!decimal.TryParse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{text}' is not an amount with a unit (such as 0.10usd).";
            return false;
        }

        amount = new MoneyAmount(value, match.Groups["unit"].Value.ToLowerInvariant());
        return true;
    }

    public override string ToString() => $"{Amount.ToString(CultureInfo.InvariantCulture)} {Unit}";

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)\s*(?<unit>[A-Za-z][A-Za-z0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
