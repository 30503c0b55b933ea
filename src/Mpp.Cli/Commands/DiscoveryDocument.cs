using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mpp.Cli.Commands;

/// <summary>
/// Reads an OpenAPI document for payment discovery (draft-payment-discovery-01): the priced operations and every way the
/// document breaks the draft's rules (§ "Required Top-Level Fields", § "x-payment-info" and its JSON Schema,
/// § "402 Response Declaration").
/// </summary>
internal static partial class DiscoveryDocument
{
    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public sealed record Offer(string HttpMethod, string Path, string Intent, string Method, string? Amount, string? Currency, string? Description);

    public static (List<Offer> Offers, List<string> Problems) Read(JsonElement root)
    {
        var offers = new List<Offer>();
        var problems = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add("the document is not a JSON object.");
            return (offers, problems);
        }

        if (!root.TryGetProperty("openapi", out var version) || version.ValueKind != JsonValueKind.String || !version.GetString()!.StartsWith("3.", StringComparison.Ordinal))
        {
            problems.Add("openapi: must be an OpenAPI 3.x version string.");
        }

        if (!root.TryGetProperty("info", out var info) || info.ValueKind != JsonValueKind.Object
            || !IsString(info, "title") || !IsString(info, "version"))
        {
            problems.Add("info.title and info.version are required.");
        }

        if (!root.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object || !paths.EnumerateObject().Any())
        {
            problems.Add("paths: at least one path with operations is required.");
            return (offers, problems);
        }

        foreach (var path in paths.EnumerateObject())
        {
            if (path.Value.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var operation in path.Value.EnumerateObject().Where(o => HttpMethods.Contains(o.Name) && o.Value.ValueKind == JsonValueKind.Object))
            {
                if (!operation.Value.TryGetProperty("x-payment-info", out var payment))
                {
                    continue;
                }

                var where = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                ReadOffers(where, operation.Name.ToUpperInvariant(), path.Name, payment, offers, problems);
                if (!operation.Value.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Object || !responses.TryGetProperty("402", out _))
                {
                    problems.Add($"{where}: a payable operation must declare a 402 response.");
                }
            }
        }

        return (offers, problems);
    }

    private static void ReadOffers(string where, string httpMethod, string path, JsonElement payment, List<Offer> offers, List<string> problems)
    {
        if (payment.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: x-payment-info must be an object.");
            return;
        }

        if (!payment.TryGetProperty("offers", out var list))
        {
            ReadOffer(where, httpMethod, path, payment, offers, problems); // the single-offer shorthand
            return;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0 || payment.EnumerateObject().Count() != 1)
        {
            problems.Add($"{where}: x-payment-info.offers must be a non-empty array and the only member.");
            return;
        }

        var i = 0;
        foreach (var offer in list.EnumerateArray())
        {
            ReadOffer($"{where} offer {i++}", httpMethod, path, offer, offers, problems);
        }
    }

    private static void ReadOffer(string where, string httpMethod, string path, JsonElement offer, List<Offer> offers, List<string> problems)
    {
        if (offer.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{where}: an offer must be an object.");
            return;
        }

        var before = problems.Count;
        var intent = offer.TryGetProperty("intent", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        if (intent is not ("charge" or "session"))
        {
            problems.Add($"{where}: intent must be \"charge\" or \"session\".");
        }

        var method = offer.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (string.IsNullOrEmpty(method))
        {
            problems.Add($"{where}: method is required.");
        }

        string? amount = null;
        if (!offer.TryGetProperty("amount", out var a) || !(a.ValueKind == JsonValueKind.Null || a.ValueKind == JsonValueKind.String && BaseUnits().IsMatch(amount = a.GetString()!)))
        {
            problems.Add($"{where}: amount is required: null (dynamic) or base units without leading zeros.");
        }

        foreach (var member in offer.EnumerateObject())
        {
            if (member.Name is "currency" or "description" && member.Value.ValueKind != JsonValueKind.String)
            {
                problems.Add($"{where}: {member.Name} must be a string.");
            }
            else if (member.Name is not ("intent" or "method" or "amount" or "currency" or "description"))
            {
                problems.Add($"{where}: unknown member {member.Name}.");
            }
        }

        if (problems.Count == before)
        {
            offers.Add(new Offer(httpMethod, path, intent!, method!, amount, Text(offer, "currency"), Text(offer, "description")));
        }
    }

    private static bool IsString(JsonElement element, string name) => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String;

    private static string? Text(JsonElement element, string name) => element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [GeneratedRegex("^(0|[1-9][0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex BaseUnits();
}
