using System.Text;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class CredentialTests
{
    // {"b":2, "a":1} with a space: valid, but not JCS. A credential must echo it as received, not re-canonicalized.
    private static readonly string NonCanonicalRequest = Base64Url.EncodeText("{\"b\":2, \"a\":1}");

    private static Challenge FullChallenge() => ChallengeParser.ParseFirst(
        $"Payment id=\"ch_1\", realm=\"api.example.com\", method=\"tempo\", intent=\"charge\", request=\"{NonCanonicalRequest}\", "
        + "expires=\"2099-01-01T00:00:00.500+01:00\", description=\"d\", digest=\"sha-256=:abc=:\", opaque=\"b3BhcXVl\", header=\"Payment-Authorization\"");

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    [Fact]
    public void Round_trip_echoes_every_challenge_parameter_exactly()
    {
        var challenge = FullChallenge();
        var credential = Credential.Create(challenge, Json("{\"type\":\"transaction\",\"signature\":\"0xabc\"}"), Json("\"did:pkh:eip155:1:0x1\""));

        var parsed = Credential.Parse(credential.ToHeaderValue());

        Assert.Equal("ch_1", parsed.Challenge.Id);
        Assert.Equal("api.example.com", parsed.Challenge.Realm);
        Assert.Equal("tempo", parsed.Challenge.Method);
        Assert.Equal("charge", parsed.Challenge.Intent);
        Assert.Equal(NonCanonicalRequest, parsed.Challenge.EncodedRequest);
        Assert.Equal("2099-01-01T00:00:00.500+01:00", parsed.Challenge.Expires);
        Assert.Equal("d", parsed.Challenge.Description);
        Assert.Equal("sha-256=:abc=:", parsed.Challenge.Digest);
        Assert.Equal("b3BhcXVl", parsed.Challenge.Opaque);
        Assert.Equal("Payment-Authorization", parsed.Challenge.Header);
        Assert.Equal("0xabc", parsed.Payload.GetProperty("signature").GetString());
        Assert.Equal("did:pkh:eip155:1:0x1", parsed.Source!.Value.GetString());
    }

    [Fact]
    public void Token_is_jcs_json_with_the_request_as_received()
    {
        var credential = Credential.Create(FullChallenge(), Json("{\"z\":1,\"a\":{\"y\":\"<&>\",\"b\":2}}"), Json("{\"id\":\"x\"}"));
        var header = credential.ToHeaderValue();
        Assert.StartsWith("Payment ", header, StringComparison.Ordinal);

        var json = Encoding.UTF8.GetString(Base64Url.Decode(header.AsSpan("Payment ".Length)));
        Assert.Equal(
            "{\"challenge\":{\"description\":\"d\",\"digest\":\"sha-256=:abc=:\",\"expires\":\"2099-01-01T00:00:00.500+01:00\","
            + "\"header\":\"Payment-Authorization\",\"id\":\"ch_1\",\"intent\":\"charge\",\"method\":\"tempo\",\"opaque\":\"b3BhcXVl\","
            + $"\"realm\":\"api.example.com\",\"request\":\"{NonCanonicalRequest}\"}},"
            + "\"payload\":{\"a\":{\"b\":2,\"y\":\"<&>\"},\"z\":1},\"source\":{\"id\":\"x\"}}",
            json);
        Assert.Equal(credential.Serialize(), header["Payment ".Length..]);
    }

    [Fact]
    public void Source_may_be_an_object_or_absent()
    {
        var challenge = FullChallenge();
        var withObject = Credential.Parse(Credential.Create(challenge, Json("{}"), Json("{\"did\":\"x\"}")).ToHeaderValue());
        Assert.Equal("x", withObject.Source!.Value.GetProperty("did").GetString());

        var without = Credential.Create(challenge, Json("{}"));
        Assert.Null(without.Source);
        Assert.DoesNotContain("source", Encoding.UTF8.GetString(Base64Url.Decode(without.Serialize())), StringComparison.Ordinal);
        Assert.Null(Credential.Parse(without.ToHeaderValue()).Source);

        Assert.Null(Credential.Create(challenge, Json("{}"), Json("null")).Source);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("[]")]
    [InlineData("true")]
    public void Source_of_another_type_is_refused(string source)
    {
        Assert.Throws<ArgumentException>(() => Credential.Create(FullChallenge(), Json("{}"), Json(source)));
        var token = Base64Url.EncodeText($"{{\"challenge\":{{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"}},\"payload\":{{}},\"source\":{source}}}");
        Assert.Throws<MppFormatException>(() => Credential.Parse("Payment " + token));
    }

    [Fact]
    public void Payload_must_be_an_object()
    {
        Assert.Throws<ArgumentException>(() => Credential.Create(FullChallenge(), Json("\"sig\"")));
    }

    [Theory]
    [InlineData("payment ")]
    [InlineData("PAYMENT  ")]
    [InlineData("Payment\t")]
    public void Scheme_is_case_insensitive_and_padded_tokens_are_accepted(string scheme)
    {
        var token = Base64Url.EncodeText("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"k\":1}}");
        var padded = token + new string('=', (4 - (token.Length % 4)) % 4);

        Assert.Equal("a", Credential.Parse(scheme + token).Challenge.Id);
        Assert.Equal("a", Credential.Parse(scheme + padded + " ").Challenge.Id);
    }

    [Theory]
    [InlineData("Bearer eyJjaGFsbGVuZ2UiOnt9fQ")]
    [InlineData("Payment")]
    [InlineData("Payment ")]
    [InlineData("Paymentx eyJ9")]
    [InlineData("Payment not-valid!!!")]
    [InlineData("Payment W10")] // []
    public void Malformed_values_are_rejected(string header)
    {
        var ex = Assert.Throws<MppFormatException>(() => Credential.Parse(header));
        Assert.Equal(MppErrorCode.InvalidCredential, ex.Code);
    }

    [Theory]
    [InlineData("{\"payload\":{}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":[]}")]
    [InlineData("{\"challenge\":{\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{}}")]
    [InlineData("{\"challenge\":{\"id\":1,\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"Tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"W10\"},\"payload\":{}}")]
    public void Credentials_with_a_bad_structure_are_rejected(string json)
    {
        var ex = Assert.Throws<MppFormatException>(() => Credential.Parse("Payment " + Base64Url.EncodeText(json)));
        Assert.Equal(MppErrorCode.InvalidCredential, ex.Code);
    }

    [Fact]
    public void ToString_does_not_reveal_the_payload()
    {
        var credential = Credential.Create(FullChallenge(), Json("{\"signature\":\"0xsecretsignature\"}"));
        Assert.DoesNotContain("0xsecretsignature", credential.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Serialize(), credential.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"challenge\":{\"id\":7,\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"signature\":\"0xsecretsignature\"}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\",\"expires\":\"soon\"},\"payload\":{\"signature\":\"0xsecretsignature\"}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"!!\"},\"payload\":{\"signature\":\"0xsecretsignature\"}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"signature\":\"0xsecretsignature\"},\"source\":7}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"signature\":\"0xsecretsignature\",\"signature\":\"0xsecretsignature\"}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"signature\":\"0xsecretsignature\"}} trailing")]
    public void Errors_name_the_problem_but_never_echo_the_credential(string json)
    {
        var token = Base64Url.EncodeText(json);

        var ex = Assert.Throws<MppFormatException>(() => Credential.Parse("Payment " + token));

        Assert.Equal(MppErrorCode.InvalidCredential, ex.Code);
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(token[..16], e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void When_several_challenge_members_are_malformed_the_error_names_the_first_in_parameter_order()
    {
        // Members are read in a fixed order (id, realm, method, intent, request, ...), whatever their order in the JSON.
        var json = "{\"challenge\":{\"realm\":1,\"request\":\"e30\",\"intent\":\"charge\",\"method\":\"tempo\",\"id\":2},\"payload\":{}}";

        var ex = Assert.Throws<MppFormatException>(() => Credential.ParseToken(Base64Url.EncodeText(json)));

        Assert.Equal(MppErrorCode.InvalidCredential, ex.Code);
        Assert.Contains("'id'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Escaped_member_names_are_read_as_their_value()
    {
        var json = "{\"ch\\u0061llenge\":{\"\\u0069d\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"k\":1}}";

        var credential = Credential.ParseToken(Base64Url.EncodeText(json));

        Assert.Equal("a", credential.Challenge.Id);
        Assert.Equal(1, credential.Payload.GetProperty("k").GetInt32());
    }

    [Theory]
    [InlineData("{\"challenge\":{\"id\":\"\xff\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{}}")]
    [InlineData("{\"challenge\":{\"id\":\"a\",\"realm\":\"r\",\"method\":\"tempo\",\"intent\":\"charge\",\"request\":\"e30\"},\"payload\":{\"s\":\"\xc3\"}}")]
    public void A_credential_that_is_not_utf8_is_refused(string latin1)
    {
        // \xff and a lone \xc3 are not UTF-8; the bytes are taken one per char.
        var bytes = latin1.Select(c => (byte)c).ToArray();

        var ex = Assert.Throws<MppFormatException>(() => Credential.ParseToken(Base64Url.Encode(bytes)));
        Assert.Equal(MppErrorCode.InvalidCredential, ex.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // one last character changed: the decode fails part way, after writing most of the bytes
    public void The_pooled_buffer_that_held_a_credential_is_cleared_before_it_goes_back(bool corrupt)
    {
        var token = Credential.Create(FullChallenge(), Json("{\"signature\":\"0xsecretsignature0123456789\"}")).Serialize();
        if (corrupt)
        {
            token = token[..^1] + (token[^1] == 'B' ? 'C' : 'B');
        }

        var size = System.Buffers.Text.Base64Url.GetMaxDecodedLength(token.Length);

        // The shared pool hands back, on the same thread, the array returned last in a size class: the one the parse used.
        var probe = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        System.Buffers.ArrayPool<byte>.Shared.Return(probe);
        Assert.Same(probe, System.Buffers.ArrayPool<byte>.Shared.Rent(size));
        System.Buffers.ArrayPool<byte>.Shared.Return(probe);

        try
        {
            _ = Credential.ParseToken(token);
        }
        catch (MppFormatException)
        {
            Assert.True(corrupt);
        }

        var reused = System.Buffers.ArrayPool<byte>.Shared.Rent(size);
        try
        {
            Assert.Equal(-1, reused.AsSpan().IndexOf("secretsignature"u8));
            Assert.Equal(-1, reused.AsSpan().IndexOf("\"challenge\""u8));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(reused);
        }
    }
}
