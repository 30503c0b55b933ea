using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

/// <summary>Challenge-id binding beyond the official vectors (which <c>VectorConformanceTests</c> runs).</summary>
public sealed class ChallengeIdTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("test-vector-secret-minimum-32-byte-secret");

    private static JsonElement Request(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Short_secrets_are_refused()
    {
        var ex = Assert.Throws<MppException>(() => ChallengeId.Compute(new byte[31], "r", "tempo", "charge", Request("{}")));
        Assert.Equal(MppErrorCode.InvalidChallengeIdInput, ex.Code);
    }

    [Fact]
    public void Request_is_canonicalized_before_binding()
    {
        Assert.Equal(
            ChallengeId.Compute(Secret, "r", "tempo", "charge", Request("{\"a\":1,\"b\":\"<&>\"}")),
            ChallengeId.Compute(Secret, "r", "tempo", "charge", Request("{ \"b\" : \"\\u003c&>\", \"a\" : 1.0 }")));
    }

    [Fact]
    public void Verify_accepts_the_computed_id_and_rejects_any_change()
    {
        var unbound = Challenge.Create("placeholder", "api.example.com", "tempo", "charge", Request("{\"amount\":\"1\"}"), opaque: "b3A", header: "Payment-Authorization");
        var id = ChallengeId.Compute(Secret, unbound);
        var bound = unbound.WithId(id);

        Assert.True(ChallengeId.Verify(Secret, bound));
        Assert.False(ChallengeId.Verify(Secret, bound.WithEncodedRequest(Base64Url.EncodeText("{\"amount\":\"2\"}"))));
        Assert.False(ChallengeId.Verify(Secret, unbound));
        Assert.False(ChallengeId.Verify(Encoding.UTF8.GetBytes("another-secret-that-is-32-bytes-long!"), bound));
    }

    [Fact]
    public void Description_is_not_bound_but_expires_digest_opaque_and_header_are()
    {
        var request = Request("{\"amount\":\"1\"}");
        var baseline = ChallengeId.Compute(Secret, "r", "tempo", "charge", request);

        Assert.Equal(baseline, ChallengeId.Compute(Secret, ChallengeParser.ParseFirst(
            $"Payment id=\"x\", realm=\"r\", method=\"tempo\", intent=\"charge\", request=\"{CanonicalJson.EncodeBase64Url(request)}\", description=\"free text\"")));
        Assert.NotEqual(baseline, ChallengeId.Compute(Secret, "r", "tempo", "charge", request, expires: "2099-01-01T00:00:00Z"));
        Assert.NotEqual(baseline, ChallengeId.Compute(Secret, "r", "tempo", "charge", request, digest: "sha-256=:a:"));
        Assert.NotEqual(baseline, ChallengeId.Compute(Secret, "r", "tempo", "charge", request, opaque: "b3A"));
        Assert.NotEqual(baseline, ChallengeId.Compute(Secret, "r", "tempo", "charge", request, header: "Payment-Authorization"));
        Assert.Equal(baseline, ChallengeId.Compute(Secret, "r", "tempo", "charge", request, header: "Authorization"));
    }
}
