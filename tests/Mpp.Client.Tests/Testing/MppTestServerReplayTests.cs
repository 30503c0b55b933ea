using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Testing;

/// <summary>The used-id set behind single use: a used challenge is refused while valid, and forgotten only long after it expired.</summary>
public sealed class MppTestServerReplayTests
{
    private static readonly JsonElement Token = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["token"] = MppTestServerOptions.DefaultTestToken });

    [Fact]
    public async Task Used_ids_of_long_expired_challenges_are_forgotten_and_their_replay_is_still_refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions { TimeProvider = time, ChallengeLifetime = TimeSpan.FromMinutes(5) });
        server.MapPaid("/r", new PriceOption("1"));
        var first = await PayAsync(server);
        Assert.True(first.Verification.Succeeded);
        var replay = await server.VerifyAsync(first.Credential, "/r");
        Assert.Equal(PaymentProblemType.InvalidChallenge, replay.Problem); // used, within its validity

        time.Advance(TimeSpan.FromMinutes(11)); // expired, and more than the five-minute grace ago
        for (var i = 1; i < 4096; i++)
        {
            Assert.True((await PayAsync(server)).Verification.Succeeded);
        }

        // The 4,096th use pruned the first challenge's id: 4,095 kept, not 4,096.
        Assert.Equal(4095, server.UsedChallengeIdCount);
        var late = await server.VerifyAsync(first.Credential, "/r");
        Assert.False(late.Succeeded);
        Assert.Equal(PaymentProblemType.PaymentExpired, late.Problem);
        Assert.Equal(4096, server.Payments.Count);
    }

    [Fact]
    public async Task Ids_of_challenges_still_valid_or_recently_expired_are_kept()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions { TimeProvider = time, ChallengeLifetime = TimeSpan.FromMinutes(5) });
        server.MapPaid("/r", new PriceOption("1"));
        for (var i = 0; i < 4096; i++)
        {
            Assert.True((await PayAsync(server)).Verification.Succeeded);
            if (i == 0)
            {
                time.Advance(TimeSpan.FromMinutes(9)); // the first expired four minutes ago: within the grace
            }
        }

        Assert.Equal(4096, server.UsedChallengeIdCount);
    }

    [Fact]
    public async Task Idempotency_entries_of_long_expired_challenges_are_forgotten()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions { TimeProvider = time, ChallengeLifetime = TimeSpan.FromMinutes(5) });
        server.MapPaid("/r", new PaidRouteOptions { Prices = [new PriceOption("1")], HttpMethods = ["POST"], DigestBinding = false }); // credentials from IssueChallengesAsync bind no body
        using var http = new HttpClient();
        var first = await PostAsync(server, http, "key-0", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, first.Status);
        var again = await PostAsync(server, http, "key-0", first.Header);
        Assert.Equal(System.Net.HttpStatusCode.OK, again.Status); // the same request again: the same answer, no new payment

        time.Advance(TimeSpan.FromMinutes(11));
        for (var i = 1; i < 4096; i++)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await PostAsync(server, http, "key-" + i, null)).Status);
        }

        // The 4,096th key pruned the first (its challenge expired six minutes ago): the retry is now refused as expired
        // instead of answered from the entry, and nothing is paid twice.
        var late = await PostAsync(server, http, "key-0", first.Header);
        Assert.Equal(System.Net.HttpStatusCode.PaymentRequired, late.Status);
        Assert.Equal(4096, server.Payments.Count);
        Assert.Equal(1, server.RejectionCount(PaymentProblemType.PaymentExpired));
    }

    /// <summary>A paid POST with an Idempotency-Key: a fresh credential, or <paramref name="header"/> sent again.</summary>
    private static async Task<(System.Net.HttpStatusCode Status, string Header)> PostAsync(MppTestServer server, HttpClient http, string key, string? header)
    {
        header ??= Credential.Create((await server.IssueChallengesAsync("/r"))[0], Token).ToHeaderValue();
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Url("/r"));
        request.Headers.TryAddWithoutValidation("Authorization", header);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, header);
    }

    private static async Task<(Credential Credential, CredentialVerification Verification)> PayAsync(MppTestServer server)
    {
        var challenge = (await server.IssueChallengesAsync("/r"))[0];
        var credential = Credential.Create(challenge, Token);
        return (credential, await server.VerifyAsync(credential, "/r"));
    }
}
