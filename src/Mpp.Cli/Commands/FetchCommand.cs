using System.CommandLine;
using System.Text;
using Mpp.Cli.Configuration;

namespace Mpp.Cli.Commands;

/// <summary>The options of <c>mpp &lt;url&gt;</c> (curl's habits), and how they become <see cref="FetchSettings"/>.</summary>
internal sealed class FetchCommand
{
    public Argument<string> Url { get; } = new("url") { Description = "The URL to request (https, or http on loopback)", Arity = ArgumentArity.ZeroOrOne };

    public Option<string?> Method { get; } = new("--request", "-X") { Description = "The HTTP method (default GET, or POST with data)" };

    public Option<string[]> Header { get; } = new("--header", "-H") { Description = "A request header, 'Name: value' (repeatable)", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Data { get; } = new("--data", "-d") { Description = "A request body; @FILE reads a file (newlines removed, as curl does); repeated values are joined with &" };

    public Option<string?> DataBinary { get; } = new("--data-binary") { Description = "A request body sent as is; @FILE reads a file byte for byte" };

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "Write the body to FILE instead of stdout" };

    public Option<bool> Include { get; } = new("--include", "-i") { Description = "Print the response status line and headers before the body" };

    public Option<bool> Silent { get; } = new("--silent", "-s") { Description = "No payment summary or progress on stderr (errors are still printed)" };

    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Show the 402, the chosen challenge and the receipt on stderr (never the credential)" };

    public Option<bool> Fail { get; } = new("--fail", "-f") { Description = "Exit with 22 when the server answers 400 or above (the body is not printed)" };

    public Option<string?> Max { get; } = new("--max") { Description = "Pay at most this for this call, e.g. 0.10usd (the configured budget still applies)" };

    public Option<bool> Quote { get; } = new("--quote") { Description = "Show what would be paid for every challenge, and why not; pay nothing" };

    public Option<string?> ConfirmAbove { get; } = new("--confirm-above") { Description = "Ask on the terminal before paying more than this, e.g. 1usd (refused without a terminal)" };

    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object (status, headers, body, payment) for scripts" };

    public void AddTo(Command command)
    {
        command.Add(Url);
        foreach (var option in new Option[] { Method, Header, Data, DataBinary, Output, Include, Silent, Verbose, Fail, Max, Quote, ConfirmAbove, Json })
        {
            command.Add(option);
        }
    }

    /// <summary>Reads the parsed command line into settings; a mistake is a <see cref="CliException"/> with <see cref="ExitCodes.Usage"/>.</summary>
    public FetchSettings Read(ParseResult result)
    {
        var text = result.GetValue(Url);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Usage("a URL is required: mpp <url> (see mpp --help).");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw Usage($"'{text}' is not an http(s) URL.");
        }

        var data = result.GetValue(Data) ?? [];
        var binary = result.GetValue(DataBinary);
        if (data.Length > 0 && binary is not null)
        {
            throw Usage("--data and --data-binary cannot be used together.");
        }

        byte[]? body = binary is not null ? ReadBinary(binary) : data.Length > 0 ? Encoding.UTF8.GetBytes(string.Join('&', data.Select(ReadText))) : null;
        var headers = (result.GetValue(Header) ?? []).Select((h, i) => ParseHeader(h, i + 1)).ToList();
        if (body is not null && data.Length > 0 && !headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Add(new("Content-Type", "application/x-www-form-urlencoded")); // curl's default for -d
        }

        var methodText = result.GetValue(Method);
        var method = methodText is { Length: > 0 } m ? new HttpMethod(m.ToUpperInvariant()) : body is null ? HttpMethod.Get : HttpMethod.Post;
        return new FetchSettings(url, method)
        {
            Headers = headers,
            Body = body,
            OutputFile = result.GetValue(Output),
            IncludeHeaders = result.GetValue(Include),
            Silent = result.GetValue(Silent),
            Verbose = result.GetValue(Verbose),
            Json = result.GetValue(Json),
            Quote = result.GetValue(Quote),
            Fail = result.GetValue(Fail),
            Max = Amount(result.GetValue(Max), "--max"),
            ConfirmAbove = Amount(result.GetValue(ConfirmAbove), "--confirm-above"),
        };
    }

    private static MoneyAmount? Amount(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }

        return MoneyAmount.TryParse(text, out var amount, out var error) ? amount : throw Usage($"{option}: {error}");
    }

    private static KeyValuePair<string, string> ParseHeader(string header, int position)
    {
        var colon = header.IndexOf(':', StringComparison.Ordinal);
        var name = colon > 0 ? header[..colon].Trim() : string.Empty;
        if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal)))
        {
            // The value is not echoed: a malformed header may still hold a secret (a token pasted without its name).
            throw Usage($"-H number {position} is not a header: write 'Name: value'.");
        }

        return new(name, header[(colon + 1)..].Trim());
    }

    private static string ReadText(string value)
    {
        if (!value.StartsWith('@'))
        {
            return value;
        }

        // curl -d @file: the file's text with carriage returns and newlines removed.
        return new string(Encoding.UTF8.GetString(ReadFile(value[1..])).Where(c => c is not ('\r' or '\n')).ToArray());
    }

    private static byte[] ReadBinary(string value) => value.StartsWith('@') ? ReadFile(value[1..]) : Encoding.UTF8.GetBytes(value);

    private static byte[] ReadFile(string path)
    {
        try
        {
            return path == "-" ? ReadStdin() : File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Usage($"cannot read '{path}': {e.Message}");
        }
    }

    private static byte[] ReadStdin()
    {
        using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
