using System.Net;
using System.Text;
using System.Text.Json;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Extensibility;

/// <summary>A minimal second scheme, built only on the public API, the way an x402 adapter would be.</summary>
internal sealed class FakeScheme : IHttpPaymentScheme
{
    public string Name => "fake";

    public IReadOnlyCollection<string> SensitiveHeaders { get; } = ["Fake-Payment"];

    public ValueTask ReadChallengesAsync(HttpResponseMessage response, ICollection<ChallengeParseResult> challenges, CancellationToken cancellationToken)
    {
        if (!response.Headers.TryGetValues("Fake-Required", out var values))
        {
            return default;
        }

        foreach (var value in values)
        {
            try
            {
                using var doc = JsonDocument.Parse(Base64Url.Decode(value));
                var r = doc.RootElement;
                using var request = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["amount"] = r.GetProperty("amount").GetString()!,
                    ["currency"] = r.GetProperty("currency").GetString()!,
                    ["recipient"] = r.GetProperty("payTo").GetString()!,
                }));
                challenges.Add(ChallengeParseResult.Success(Challenge.Create("fake-" + Guid.NewGuid().ToString("N"), "fake", "fakepay2", r.GetProperty("scheme").GetString()!, request.RootElement, scheme: Name)));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                challenges.Add(ChallengeParseResult.Failure("unreadable Fake-Required header"));
            }
        }

        return default;
    }

    public void ApplyCredential(HttpRequestMessage request, Credential credential) =>
        request.Headers.TryAddWithoutValidation("Fake-Payment", Base64Url.Encode(Encoding.UTF8.GetBytes(credential.Payload.GetRawText())));

    public void RemoveCredential(HttpRequestMessage request) => request.Headers.Remove("Fake-Payment");

    public PaymentReceipt? ReadReceipt(HttpResponseMessage response, out string? error)
    {
        error = null;
        if (!response.Headers.TryGetValues("Fake-Response", out var values))
        {
            return null;
        }

        try
        {
            return PaymentReceipt.Parse(values.First());
        }
        catch (MppFormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }
}

/// <summary>Pays the fake scheme's "fakepay2/exact" (a method id with a digit, as x402's).</summary>
internal sealed class FakeWallet : IPaymentMethod
{
    public int Created;

    public string Method => "fakepay2";

    public IReadOnlyCollection<string> Intents { get; } = ["exact"];

    public ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Created);
        using var doc = JsonDocument.Parse("""{"sig":"ok"}""");
        return ValueTask.FromResult(new PaymentPayload(doc.RootElement.Clone()));
    }
}

/// <summary>Attaches a <c>Fake-Voucher</c> to requests under /session, as a session with an open channel would.</summary>
internal sealed class FakeVoucherPayer(string voucher, bool resendOnGone = false) : IPreemptivePayer
{
    public List<HttpStatusCode> Responses { get; } = [];

    public bool ShouldResendWithout(HttpRequestMessage request, HttpResponseMessage response) =>
        resendOnGone && response.StatusCode == HttpStatusCode.Gone;

    public IReadOnlyCollection<string> SensitiveHeaders { get; } = ["Fake-Voucher"];

    public ValueTask<bool> TryAttachAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.AbsolutePath.StartsWith("/session", StringComparison.Ordinal) != true)
        {
            return ValueTask.FromResult(false);
        }

        request.Headers.TryAddWithoutValidation("Fake-Voucher", voucher);
        return ValueTask.FromResult(true);
    }

    public ValueTask OnResponseAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        lock (Responses)
        {
            Responses.Add(response.StatusCode);
        }

        return default;
    }
}
