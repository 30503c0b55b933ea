using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Testing;

/// <summary>Hand-made payer steps for exercising <see cref="MppTestServer"/> with a plain <see cref="HttpClient"/>.</summary>
internal static class TestServerHelpers
{
    public static byte[] Secret { get; } = Encoding.ASCII.GetBytes("mpp-client-testing-secret-key-0123456789");

    public static Task<MppTestServer> StartAsync(TimeProvider? time = null, Action<MppTestServerOptions>? configure = null)
    {
        var options = new MppTestServerOptions { SecretKey = Secret, TimeProvider = time ?? TimeProvider.System };
        configure?.Invoke(options);
        return MppTestServer.StartAsync(options);
    }

    public static HttpClient CreateClient(MppTestServer server, bool followRedirects = false) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = followRedirects }) { BaseAddress = server.BaseAddress };

    public static IReadOnlyList<Challenge> Challenges(HttpResponseMessage response)
    {
        var results = ChallengeParser.Parse(response);
        Assert.All(results, r => Assert.Null(r.Error));
        return [.. results.Select(r => r.Challenge!)];
    }

    public static Challenge SingleChallenge(HttpResponseMessage response) => Assert.Single(Challenges(response));

    public static async Task<PaymentProblem> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = PaymentProblem.TryParse(await response.Content.ReadAsByteArrayAsync());
        Assert.NotNull(problem);
        return problem;
    }

    public static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static string Pay(Challenge challenge, string token = MppTestServerOptions.DefaultTestToken) =>
        Credential.Create(challenge, Json(JsonSerializer.Serialize(new { token }))).ToHeaderValue();

    public static HttpRequestMessage Request(HttpMethod method, string path, string? credential = null, string? body = null, string? idempotencyKey = null, string field = "Authorization")
    {
        var request = new HttpRequestMessage(method, path);
        if (credential is not null)
        {
            request.Headers.TryAddWithoutValidation(field, credential);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    /// <summary>GETs the path without a credential and returns its single challenge.</summary>
    public static async Task<Challenge> ChallengeForAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(402, (int)response.StatusCode);
        return SingleChallenge(response);
    }

    public static async Task<PaymentProblem> AssertRefusedAsync(HttpResponseMessage response, PaymentProblemType expected)
    {
        Assert.Equal(402, (int)response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False(response.Headers.Contains("Payment-Receipt"));
        Assert.NotEmpty(Challenges(response));
        var problem = await ProblemAsync(response);
        Assert.Equal(expected, problem.Kind);
        return problem;
    }

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}
