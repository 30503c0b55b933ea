using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;
using Mpp.Client.Stripe.Tests.Support;

namespace Mpp.Client.Stripe.Tests.Charge;

/// <summary>
/// The conformance vectors stripe-external-id-binding.json (copied from the shared conformance suite) run against the
/// stripe verifier of MppTestServer, with real tokens minted on the fake Stripe in place of the vectors' placeholders.
/// The vectors' <c>invalid_challenge</c> is answered as <c>invalid-payload</c> (the problem types a verifier may answer).
/// </summary>
public sealed class ExternalIdBindingVectorTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var s in Load().GetProperty("scenarios").EnumerateArray())
        {
            data.Add(s.GetProperty("name").GetString()!);
        }

        return data;
    }

    private static JsonElement Load() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "stripe-external-id-binding.json"))).RootElement;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario(string name)
    {
        var scenario = Load().GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
        var input = scenario.GetProperty("input");
        var request = input.GetProperty("request");
        var expected = scenario.GetProperty("expected");
        await using var h = await StripeHarness.StartAsync();
        var bound = request.TryGetProperty("externalId", out var b) ? b.GetString() : null;
        h.Server.MapPaid("/x", StripeHarness.Price(request.GetProperty("amount").GetString()!, request.GetProperty("currency").GetString()!, bound is null ? null : new { externalId = bound }));
        var challenge = (await h.Server.IssueChallengesAsync("/x")).Single();
        var spt = await MintAsync(h.Stripe, 2500);
        var payload = new Dictionary<string, string> { ["spt"] = spt };
        if (input.GetProperty("payload").TryGetProperty("externalId", out var pe))
        {
            payload["externalId"] = pe.GetString()!;
        }

        input.GetProperty("paymentIntent").TryGetProperty("replayed", out var replayed);
        if (replayed.ValueKind == JsonValueKind.True)
        {
            await RedeemAsync(h.Stripe, challenge.Id, spt);
        }

        var result = await h.Server.VerifyAsync(Credential.Create(challenge, JsonSerializer.SerializeToElement(payload)), "/x");

        Assert.Equal(expected.GetProperty("ok").GetBoolean(), result.Succeeded);
        if (result.Succeeded)
        {
            var receipt = expected.GetProperty("receipt");
            Assert.Equal("stripe", result.Receipt!.Method);
            Assert.StartsWith("pi_", result.Receipt.Reference, StringComparison.Ordinal);
            Assert.Equal(receipt.TryGetProperty("externalId", out var x) ? x.GetString() : null, result.Receipt.ExternalId);
        }
        else
        {
            Assert.Equal(
                expected.GetProperty("errorType").GetString() == "invalid_challenge" ? PaymentProblemType.InvalidPayload : PaymentProblemType.VerificationFailed,
                result.Problem);
            if (replayed.ValueKind == JsonValueKind.True)
            {
                Assert.Contains("already been processed", result.Detail, StringComparison.Ordinal);
                Assert.Single(h.Stripe.PaymentIntents);
            }
        }
    }

    private static async Task<string> MintAsync(FakeStripe stripe, long max)
    {
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, stripe.ApiBase + "/v1/test_helpers/shared_payment/granted_tokens")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["payment_method"] = FakeStripe.VisaPaymentMethod,
                ["usage_limits[currency]"] = "usd",
                ["usage_limits[max_amount]"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["usage_limits[expires_at]"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["seller_details[network_id]"] = stripe.NetworkId,
            }),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", stripe.SecretKey);
        using var response = await http.SendAsync(message);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Redeems the token once with the verifier's idempotency key, so that the verifier's own call is a replay.</summary>
    private static async Task RedeemAsync(FakeStripe stripe, string challengeId, string spt)
    {
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, stripe.ApiBase + "/v1/payment_intents")
        {
            Content = new StringContent(
                $"amount=2500&currency=USD&confirm=true&automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=never&shared_payment_granted_token={spt}&metadata[challenge_id]={challengeId}",
                Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(stripe.SellerSecretKey + ":")));
        message.Headers.Add("Idempotency-Key", $"mpp_{challengeId}_{spt}");
        using var response = await http.SendAsync(message);
        response.EnsureSuccessStatusCode();
    }
}
