using System.Globalization;
using Mpp.Client.Methods;

namespace Mpp.Cli.Output;

/// <summary>How amounts and times are written for people: invariant culture, the asset's unit.</summary>
internal static class Words
{
    public static string Money(PaymentQuote quote) =>
        quote.DisplayFee > 0
            ? $"{Amount(quote.DisplayAmount)} {quote.Unit} (+ fee up to {Amount(quote.DisplayFee)})"
            : $"{Amount(quote.DisplayAmount)} {quote.Unit}";

    public static string Amount(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) => value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    public static string Window(TimeSpan? window) => window switch
    {
        null => "lifetime",
        { } w when w == TimeSpan.FromHours(1) => "per hour",
        { } w when w == TimeSpan.FromDays(1) => "per day",
        { } w when w == TimeSpan.FromDays(7) => "per week",
        { } w when w == TimeSpan.FromDays(30) => "per 30 days",
        { } w => "per " + w.ToString("c", CultureInfo.InvariantCulture),
    };
}
