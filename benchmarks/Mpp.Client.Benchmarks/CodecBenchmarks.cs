using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mpp.Client.Protocol;

namespace Mpp.Client.Benchmarks;

/// <summary>
/// (c) Codecs. Target &lt; 2 µs each. The baseline is a raw base64url decode of the receipt, the floor any parse pays.
/// The four operations of a paid request are here for both sides: the payer formats a credential and parses a receipt,
/// a server (the test kit) parses the credential and serializes the receipt. The Tempo-shaped credential carries a
/// signed-transaction payload of a realistic size (about 0.6 KB of hex).
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    internal static readonly string ThreeChallenges = BuildThreeChallenges();

    internal static readonly string Receipt = Base64Url.EncodeText(
        """{"method":"test","reference":"test_Qi0CpWjFxCvz_1","status":"success","timestamp":"2026-11-25T15:15:04.244Z"}""");

    private Challenge _challenge = null!;
    private JsonElement _payload;
    private Credential _tempoCredential = null!;
    private string _tempoHeader = null!;
    private PaymentReceipt _receipt = null!;

    [GlobalSetup]
    public void Setup()
    {
        _challenge = ChallengeParser.ParseFirst(ThreeChallenges);
        _payload = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["token"] = "valid-test-token" });
        var signature = "0x76" + string.Concat(Enumerable.Range(0, 300).Select(i => (i * 37 % 256).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        var tempoPayload = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["signature"] = signature, ["type"] = "transaction" });
        var source = JsonSerializer.SerializeToElement("did:pkh:eip155:42431:0x742d35Cc6634C0532925a3b844Bc454e4438f44e");
        _tempoCredential = Credential.Create(_challenge, tempoPayload, source);
        _tempoHeader = _tempoCredential.ToHeaderValue();
        _receipt = PaymentReceipt.Parse(Receipt);
        _receipt = new PaymentReceipt(_receipt.Status, _receipt.Method, _receipt.Timestamp, _receipt.Reference, extra: new Dictionary<string, JsonElement>
        {
            ["challengeId"] = JsonSerializer.SerializeToElement(_challenge.Id),
        });
        Check();
    }

    [Benchmark(Baseline = true)]
    public string Base64UrlDecodeReceipt() => Base64Url.DecodeText(Receipt);

    [Benchmark]
    public IReadOnlyList<ChallengeParseResult> ParseThreeChallenges() => ChallengeParser.Parse(ThreeChallenges);

    [Benchmark]
    public string FormatCredential() => Credential.Create(_challenge, _payload).ToHeaderValue();

    [Benchmark]
    public string FormatTempoCredential() => _tempoCredential.ToHeaderValue();

    [Benchmark]
    public Credential ParseTempoCredential() => Credential.Parse(_tempoHeader);

    [Benchmark]
    public PaymentReceipt ParseReceipt() => PaymentReceipt.Parse(Receipt);

    [Benchmark]
    public string SerializeReceipt() => _receipt.Serialize();

    private void Check()
    {
        var parsed = ParseThreeChallenges();
        if (parsed.Count != 3 || parsed.Any(p => p.Challenge is null))
        {
            throw new InvalidOperationException("the 3-challenge header did not parse: " + string.Join("; ", parsed.Select(p => p.Error)));
        }

        _ = Credential.Parse(FormatCredential());
        if (ParseTempoCredential().ToHeaderValue() != _tempoHeader)
        {
            throw new InvalidOperationException("the Tempo credential did not round-trip");
        }

        if (PaymentReceipt.Parse(SerializeReceipt()).Extra.Count != 1)
        {
            throw new InvalidOperationException("the receipt did not round-trip");
        }
    }

    /// <summary>A typical WWW-Authenticate value: three methods for one charge, mppx's parameter order and expiry format.</summary>
    private static string BuildThreeChallenges()
    {
        var request = Base64Url.EncodeText("""{"amount":"1000","currency":"usd","recipient":"acct_test"}""");
        var tempo = Base64Url.EncodeText("""{"amount":"10000","currency":"0x20c0000000000000000000000000000000000000","recipient":"0x742d35Cc6634C0532925a3b844Bc454e4438f44e","methodDetails":{"chainId":42431}}""");
        const string expires = "2026-11-25T15:20:04.117Z";
        return
            $"""Payment id="Qi0CpWjFxCvzvF4oABKcWiJsUDBy-bHlW5sLXA9Dp7M", realm="api.example.com", method="tempo", intent="charge", request="{tempo}", expires="{expires}", description="One weather report", """ +
            $"""Payment id="XtbASouDlRyJnK5XXPtZj1BBlE7EglYCTv47pkR76uA", realm="api.example.com", method="stripe", intent="charge", request="{request}", expires="{expires}", """ +
            $"""Payment id="zixW64-dLoGMBTlKp5KSCprqWIdN6T8jhewjFaxU3mw", realm="api.example.com", method="test", intent="charge", request="{request}", expires="{expires}" """.TrimEnd();
    }
}
