using System.Text;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class ChallengeParserTests
{
    private const string Params = "realm=\"api.example.com\", method=\"tempo\", intent=\"charge\", request=\"e30\"";

    private static string Payment(string id, string extra = "") => $"Payment id=\"{id}\", {Params}{extra}";

    [Fact]
    public void Several_challenges_in_one_field_value_come_out_in_order()
    {
        var results = ChallengeParser.Parse($"{Payment("a")}, {Payment("b")},Payment id=\"c\", {Params}");

        Assert.Equal(["a", "b", "c"], results.Select(r => r.Challenge!.Id));
        Assert.All(results, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Challenges_across_several_field_lines_come_out_in_order()
    {
        var results = ChallengeParser.Parse([Payment("a"), "Bearer realm=\"x\"", $"{Payment("b")}, {Payment("c")}"]);
        Assert.Equal(["a", "b", "c"], results.Select(r => r.Challenge!.Id));
    }

    [Fact]
    public void Challenges_are_read_from_every_www_authenticate_line_of_a_response()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.PaymentRequired);
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", Payment("a"));
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", "Basic realm=\"x\"");
        response.Headers.TryAddWithoutValidation("WWW-Authenticate", Payment("b"));

        Assert.Equal(["a", "b"], ChallengeParser.Parse(response).Select(r => r.Challenge!.Id));
    }

    [Fact]
    public void Other_schemes_auth_params_do_not_leak_into_the_payment_challenge()
    {
        var results = ChallengeParser.Parse($"Bearer realm=\"x\", error=\"invalid_token\", Payment id=\"p\", realm=\"api.example.com\", method=\"tempo\", intent=\"charge\", request=\"e30\"");

        var challenge = Assert.Single(results).Challenge!;
        Assert.Equal("p", challenge.Id);
        Assert.Equal("api.example.com", challenge.Realm);
    }

    [Fact]
    public void Realm_of_another_scheme_is_not_taken_when_payment_has_none()
    {
        var result = Assert.Single(ChallengeParser.Parse("Bearer realm=\"x\", Payment id=\"p\", method=\"tempo\", intent=\"charge\", request=\"e30\""));
        Assert.Null(result.Challenge);
        Assert.Contains("realm", result.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz, ")]
    [InlineData("Basic dXNlcjpwYXNzMQ==, ")]
    [InlineData("Negotiate a87421000492aa874209af8bc028, Basic realm=\"x\", ")]
    public void Token68_challenges_before_payment_are_skipped(string prefix)
    {
        var result = Assert.Single(ChallengeParser.Parse(prefix + Payment("p")));
        Assert.Equal("p", result.Challenge!.Id);
    }

    [Fact]
    public void A_payment_challenge_with_a_token68_is_rejected()
    {
        var result = Assert.Single(ChallengeParser.Parse("Payment abc123=="));
        Assert.Null(result.Challenge);
        Assert.NotNull(result.Error);
    }

    [Fact]
    public void Scheme_and_parameter_names_are_case_insensitive()
    {
        var challenge = ChallengeParser.ParseFirst("PAYMENT ID=\"a\", Realm=\"r\", METHOD=\"tempo\", Intent=\"charge\", REQUEST=\"e30\", Description=\"d\"");

        Assert.Equal("a", challenge.Id);
        Assert.Equal("r", challenge.Realm);
        Assert.Equal("tempo", challenge.Method);
        Assert.Equal("charge", challenge.Intent);
        Assert.Equal("d", challenge.Description);
    }

    [Fact]
    public void Token_values_are_accepted_without_quotes()
    {
        var challenge = ChallengeParser.ParseFirst("Payment id=ch_1, realm=api.example.com, method=tempo, intent=charge, request=eyJhIjoiYiJ9, expires=\"2099-01-01T00:00:00Z\"");

        Assert.Equal("ch_1", challenge.Id);
        Assert.Equal("api.example.com", challenge.Realm);
        Assert.Equal("eyJhIjoiYiJ9", challenge.EncodedRequest);
        Assert.Equal("b", challenge.Request.GetProperty("a").GetString());
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), challenge.ExpiresAt);
    }

    [Theory]
    [InlineData(", id=\"b\"")]
    [InlineData(", ID=\"b\"")]
    [InlineData(", Realm=\"other\"")]
    [InlineData(", request=\"e30\"")]
    public void A_duplicate_parameter_rejects_the_challenge(string duplicate)
    {
        var result = Assert.Single(ChallengeParser.Parse(Payment("a", duplicate)));
        Assert.Null(result.Challenge);
        Assert.Contains("Duplicate", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-valid!!!")] // outside the alphabet
    [InlineData("e")]            // impossible length
    [InlineData("e30==")]        // too much padding
    [InlineData("e3=0")]         // padding inside
    [InlineData("bm90IGpzb24")]  // "not json"
    [InlineData("W10")]          // []
    [InlineData("MQ")]           // 1
    [InlineData("bnVsbA")]       // null
    [InlineData("ImEi")]         // "a"
    public void A_request_that_is_not_base64url_of_a_json_object_is_rejected(string request)
    {
        var result = Assert.Single(ChallengeParser.Parse($"Payment id=\"a\", realm=\"r\", method=\"tempo\", intent=\"charge\", request=\"{request}\""));
        Assert.Null(result.Challenge);
        Assert.Contains("request", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_padded_request_is_accepted_and_kept_as_sent()
    {
        var challenge = ChallengeParser.ParseFirst("Payment id=\"a\", realm=\"r\", method=\"tempo\", intent=\"charge\", request=\"eyJhIjoxfQ==\"");
        Assert.Equal(1, challenge.Request.GetProperty("a").GetInt32());
        Assert.Equal("eyJhIjoxfQ==", challenge.EncodedRequest);
    }

    [Theory]
    [InlineData("Tempo")]
    [InlineData("TEMPO")]
    [InlineData("tempo-x")]
    [InlineData("tempo1")]
    [InlineData("")]
    public void A_method_that_is_not_lowercase_letters_is_rejected(string method)
    {
        var result = Assert.Single(ChallengeParser.Parse($"Payment id=\"a\", realm=\"r\", method=\"{method}\", intent=\"charge\", request=\"e30\""));
        Assert.Null(result.Challenge);
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2099-01-01")]
    [InlineData("2099-13-01T00:00:00Z")]
    [InlineData("2099-01-01T00:00:00")]
    [InlineData("2099-01-01 00:00:00Z")]
    [InlineData(" 2099-01-01T00:00:00Z")]
    [InlineData("Thu, 01 Jan 2099 00:00:00 GMT")]
    public void An_unparsable_expires_is_rejected(string expires)
    {
        var result = Assert.Single(ChallengeParser.Parse(Payment("a", $", expires=\"{expires}\"")));
        Assert.Null(result.Challenge);
        Assert.Contains("expires", result.Error, StringComparison.Ordinal);
    }

    /// <remarks>RFC 3339 §5.6: a date-time always carries a time-offset; without one the instant is unknown.</remarks>
    [Theory]
    [InlineData("2099-01-01T00:00:00.5")]
    [InlineData("2099-01-01T00:00:00.123456")]
    public void An_expires_without_a_time_offset_is_rejected(string expires)
    {
        var result = Assert.Single(ChallengeParser.Parse(Payment("a", $", expires=\"{expires}\"")));
        Assert.Null(result.Challenge);
    }

    [Theory]
    [InlineData("2099-01-01T00:00:00Z")]
    [InlineData("2099-01-01T02:00:00+02:00")]
    [InlineData("2099-01-01t00:00:00z")]
    [InlineData("2099-01-01T00:00:00.123456789Z")]
    public void Rfc3339_expires_forms_are_accepted_and_kept_as_sent(string expires)
    {
        var challenge = ChallengeParser.ParseFirst(Payment("a", $", expires=\"{expires}\""));
        Assert.Equal(expires, challenge.Expires);
        Assert.Equal(new DateTime(2099, 1, 1), challenge.ExpiresAt!.Value.UtcDateTime.Date);
    }

    [Fact]
    public void A_malformed_challenge_does_not_hide_the_next_one()
    {
        var results = ChallengeParser.Parse($"Payment id=\"bad\", realm=\"r\", method=\"tempo\", intent=\"charge\", request=\"!!\", {Payment("good")}");

        Assert.Equal(2, results.Count);
        Assert.Null(results[0].Challenge);
        Assert.NotNull(results[0].Error);
        Assert.Equal("good", results[1].Challenge!.Id);
    }

    [Fact]
    public void ParseFirst_without_a_payment_challenge_throws()
    {
        var ex = Assert.Throws<MppFormatException>(() => ChallengeParser.ParseFirst("Bearer realm=\"x\""));
        Assert.Equal(MppErrorCode.InvalidChallenge, ex.Code);
        Assert.Throws<MppFormatException>(() => ChallengeParser.ParseFirst(string.Empty));
    }

    [Fact]
    public void Quoted_values_keep_commas_equals_and_escapes()
    {
        var challenge = ChallengeParser.ParseFirst(Payment("a", ", description=\"a, b=c \\\"d\\\" \\\\e\", opaque=\"x,y\""));
        Assert.Equal("a, b=c \"d\" \\e", challenge.Description);
        Assert.Equal("x,y", challenge.Opaque);
    }

    [Fact]
    public void Unknown_parameters_are_ignored()
    {
        var challenge = ChallengeParser.ParseFirst(Payment("a", ", foo=\"bar\", baz=qux"));
        Assert.Equal("a", challenge.Id);
    }

    [Fact]
    public void Header_parameter_selects_the_credential_field()
    {
        Assert.Equal("Authorization", ChallengeParser.ParseFirst(Payment("a")).CredentialHeaderName);
        Assert.Equal("Payment-Authorization", ChallengeParser.ParseFirst(Payment("a", ", header=\"payment-authorization\"")).CredentialHeaderName);
        Assert.Null(ChallengeParser.ParseFirst(Payment("a", ", header=\"Cookie\"")).CredentialHeaderName);
    }

    [Fact]
    public void An_unclosed_quoted_string_with_many_escapes_is_dropped_in_linear_time()
    {
        var header = Payment("a", ", fuzz=\"" + new string('\\', 50_000) + "\"x");
        var challenge = ChallengeParser.ParseFirst(header);
        Assert.Equal("a", challenge.Id);

        var unclosed = Payment("b", ", fuzz=\"" + string.Concat(Enumerable.Repeat("\\\"", 20_000)));
        Assert.Equal("b", ChallengeParser.ParseFirst(unclosed).Id);
    }

    [Fact]
    public void At_most_MaxChallenges_are_read()
    {
        var header = string.Join(", ", Enumerable.Range(0, ChallengeParser.MaxChallenges + 10).Select(i => Payment("c" + i)));
        Assert.Equal(ChallengeParser.MaxChallenges, ChallengeParser.Parse(header).Count);
    }

    [Fact]
    public void Format_then_parse_round_trips_every_parameter()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"amount":"1000","currency":"usd","nested":{"z":1,"a":[true,null]}}""");
        var original = Challenge.Create(
            "ch_1", "api.example.com", "tempo", "charge", doc.RootElement,
            expires: new DateTimeOffset(2099, 1, 2, 3, 4, 5, TimeSpan.Zero),
            description: "Pay \"premium\" \\ now, é",
            digest: "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
            opaque: "eyJyb3V0ZSI6Ii9hcGkifQ",
            header: "Payment-Authorization");

        var parsed = ChallengeParser.ParseFirst(original.ToHeaderValue());

        Assert.Equal(original.Id, parsed.Id);
        Assert.Equal(original.Realm, parsed.Realm);
        Assert.Equal(original.Method, parsed.Method);
        Assert.Equal(original.Intent, parsed.Intent);
        Assert.Equal(original.EncodedRequest, parsed.EncodedRequest);
        Assert.Equal("2099-01-02T03:04:05Z", parsed.Expires);
        Assert.Equal(original.Description, parsed.Description);
        Assert.Equal(original.Digest, parsed.Digest);
        Assert.Equal(original.Opaque, parsed.Opaque);
        Assert.Equal(original.Header, parsed.Header);
        Assert.Equal("""{"amount":"1000","currency":"usd","nested":{"a":[true,null],"z":1}}""", Encoding.UTF8.GetString(Base64Url.Decode(parsed.EncodedRequest)));
    }

    [Theory]
    [InlineData("description", "line\r\nSet-Cookie: a=b")]
    [InlineData("description", "line\nbreak")]
    [InlineData("description", "nul\0")]
    [InlineData("realm", "api\r.example.com")]
    [InlineData("opaque", "x\ny")]
    [InlineData("id", "a\u007fb")]
    [InlineData("digest", "sha-256=:a\r\n:")]
    public void Format_rejects_control_characters_as_header_injection(string parameter, string value)
    {
        using var doc = System.Text.Json.JsonDocument.Parse("{}");
        var challenge = Challenge.Create(
            parameter == "id" ? value : "ch_1",
            parameter == "realm" ? value : "api.example.com",
            "tempo",
            "charge",
            doc.RootElement,
            description: parameter == "description" ? value : null,
            digest: parameter == "digest" ? value : null,
            opaque: parameter == "opaque" ? value : null);

        var ex = Assert.Throws<MppFormatException>(challenge.ToHeaderValue);
        Assert.Equal(MppErrorCode.InvalidHeaderValue, ex.Code);
    }

    [Fact]
    public void Format_keeps_tabs_and_escapes_quotes_and_backslashes()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("{}");
        var header = Challenge.Create("a", "r", "tempo", "charge", doc.RootElement, description: "t\tq\"b\\").ToHeaderValue();
        Assert.Contains("description=\"t\tq\\\"b\\\\\"", header, StringComparison.Ordinal);
    }
}
