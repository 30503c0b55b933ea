using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Mpp.Cli.Output;
using Mpp.Client.Policy;
using Spectre.Console;

namespace Mpp.Cli.Commands;

/// <summary>
/// <c>mpp discover &lt;url&gt;</c>: reads the server's <c>/openapi.json</c> (draft-payment-discovery-01 § "Document
/// Location"), lists the priced operations and checks the document against the draft. Discovery is advisory (§
/// "Relationship to the 402 Challenge"): nothing is paid, and what a 402 says still decides. Exit 8 when the document
/// breaks the draft's rules.
/// </summary>
internal static class DiscoverCommand
{
    /// <summary>The built-in assets (ISO currencies, pathUSD) for display amounts; immutable, built once.</summary>
    private static readonly AssetRegistry BuiltInAssets = new();

    public static Command Create(Option<bool> json, CliConsole console)
    {
        var url = new Argument<string>("url") { Description = "The service (its /openapi.json is read), or the document's own URL (ending in .json)" };
        var command = new Command("discover", "List a service's priced operations from its OpenAPI document (x-payment-info), and validate it") { url, json };
        command.SetAction(CliApp.Guarded(console, _ => false, async (parse, ct) =>
        {
            var target = DocumentUrl(parse.GetValue(url)!);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var response = await Fetch(http, target, ct).ConfigureAwait(false);
            var problems = new List<string>();
            if (target.Scheme != Uri.UriSchemeHttps && !target.IsLoopback)
            {
                problems.Add("the document must be served over HTTPS.");
            }

            if (response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                problems.Add($"the document must be served as application/json (it was {response.Content.Headers.ContentType?.MediaType ?? "untyped"}).");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
            }
            catch (JsonException e)
            {
                throw new CliException(ExitCodes.InvalidDocument, $"{target} is not JSON ({e.Message}).");
            }

            using (document)
            {
                var (offers, invalid) = DiscoveryDocument.Read(document.RootElement);
                problems.AddRange(invalid);
                if (parse.GetValue(json))
                {
                    WriteJson(console, target, offers, problems);
                }
                else
                {
                    WriteTable(console, offers);
                    foreach (var problem in problems)
                    {
                        console.Error.WriteLine("mpp: discovery: " + problem);
                    }
                }

                return problems.Count == 0 ? ExitCodes.Success : ExitCodes.InvalidDocument;
            }
        }));
        return command;
    }

    private static Uri DocumentUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliException(ExitCodes.Usage, $"'{text}' is not an http(s) URL.");
        }

        return url.AbsolutePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? url : new Uri(url, "/openapi.json");
    }

    private static async Task<HttpResponseMessage> Fetch(HttpClient http, Uri url, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Network, $"cannot reach {url.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Network, $"{url.GetLeftPart(UriPartial.Authority)} did not answer in time.", e);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new CliException(ExitCodes.InvalidDocument, $"{url} answered {status}: the service publishes no discovery document there.");
        }

        return response;
    }

    private static string Display(string? amount, string? currency)
    {
        if (amount is null)
        {
            return "dynamic";
        }

        if (currency is not null && BuiltInAssets.TryGet(currency, out var asset))
        {
            var value = (decimal)BigInteger.Parse(amount, CultureInfo.InvariantCulture) / (decimal)BigInteger.Pow(10, asset.Decimals);
            return $"{Words.Amount(value)} {asset.Unit}";
        }

        return $"{amount} {currency ?? string.Empty}".TrimEnd();
    }

    private static void WriteTable(CliConsole console, List<DiscoveryDocument.Offer> offers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "operation", "intent", "method", "amount", "base units", "currency", "description" })
        {
            table.AddColumn(column);
        }

        foreach (var o in offers)
        {
            table.AddRow(Markup.Escape($"{o.HttpMethod} {o.Path}"), Markup.Escape(o.Intent), Markup.Escape(o.Method), Markup.Escape(Display(o.Amount, o.Currency)),
                o.Amount ?? "-", Markup.Escape(o.Currency ?? "-"), Markup.Escape(o.Description ?? string.Empty));
        }

        console.Stdout.Write(table);
    }

    private static void WriteJson(CliConsole console, Uri url, List<DiscoveryDocument.Offer> offers, List<string> problems) => JsonOut.Write(console, json =>
    {
        json.WriteStartObject();
        json.WriteString("document", url.ToString());
        json.WriteBoolean("valid", problems.Count == 0);
        json.WriteStartArray("offers");
        foreach (var o in offers)
        {
            json.WriteStartObject();
            json.WriteString("operation", $"{o.HttpMethod} {o.Path}");
            json.WriteString("intent", o.Intent);
            json.WriteString("method", o.Method);
            json.WriteString("amount", o.Amount);
            json.WriteString("currency", o.Currency);
            json.WriteString("display", Display(o.Amount, o.Currency));
            json.WriteString("description", o.Description);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("problems");
        foreach (var p in problems)
        {
            json.WriteStringValue(p);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });
}
