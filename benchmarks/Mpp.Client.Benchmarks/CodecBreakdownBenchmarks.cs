using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Protocol;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// Where one challenge's parse time goes (not in the default run; <c>--filter '*Breakdown*'</c>): the per-challenge steps
/// <see cref="Challenge.FromWire"/> performs, measured separately. Baseline: one whole challenge through the parser.
/// </summary>
[MemoryDiagnoser]
public class CodecBreakdownBenchmarks
{
    private const string Expires = "2026-11-25T15:20:04.117Z";
    private static readonly string Request = Base64Url.EncodeText("""{"amount":"1000","currency":"usd","recipient":"acct_test"}""");
    private static readonly string One =
        $"""Payment id="zixW64-dLoGMBTlKp5KSCprqWIdN6T8jhewjFaxU3mw", realm="api.example.com", method="test", intent="charge", request="{Request}", expires="{Expires}" """.TrimEnd();

    private static readonly string[] UtcFormats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    [Benchmark(Baseline = true)]
    public IReadOnlyList<ChallengeParseResult> ParseOneChallenge() => ChallengeParser.Parse(One);

    [Benchmark]
    public Challenge FromWireOnly() => Challenge.FromWire("zixW64-dLoGMBTlKp5KSCprqWIdN6T8jhewjFaxU3mw", "api.example.com", "test", "charge", Request, Expires);

    [Benchmark]
    public JsonElement DecodeRequestJson()
    {
        _ = Base64Url.TryDecode(Request, out var bytes);
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.Clone();
    }

    [Benchmark]
    public bool Rfc3339Expires() => Rfc3339.TryParse(Expires, out _);

    [Benchmark]
    public bool TryParseExactTwoFormats() => DateTimeOffset.TryParseExact(Expires, UtcFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _);

    [Benchmark]
    public bool IsoParseFastPath() => DateTimeOffset.TryParse(Expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _);
}
