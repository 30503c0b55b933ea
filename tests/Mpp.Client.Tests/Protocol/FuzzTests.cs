using System.Text;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

/// <summary>Seeded random inputs: the parsers return results or typed errors, never another exception or a hang.</summary>
public sealed class FuzzTests
{
    private static readonly string[] Pieces =
    [
        "Payment", "payment", "Bearer", " ", "  ", ",", ", ", "=", "\"", "\\", "\\\"", "id", "realm", "method", "intent",
        "request", "expires", "digest", "opaque", "header", "description", "e30", "eyJhbW91bnQiOiIxIn0", "tempo", "charge",
        "2099-01-01T00:00:00Z", "Payment-Authorization", "\t", "x", "=\"", "\"=", "!!!", "é", "\u2028", "==",
    ];

    private static string RandomHeader(Random random)
    {
        var sb = new StringBuilder();
        var n = random.Next(1, 40);
        for (var i = 0; i < n; i++)
        {
            sb.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return sb.ToString();
    }

    [Fact]
    public void Challenge_parsing_never_throws_on_random_headers()
    {
        var random = new Random(20261125);
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var header = RandomHeader(random);
            foreach (var result in ChallengeParser.Parse(header))
            {
                Assert.True((result.Challenge is null) != (result.Error is null));
                if (result.Challenge is { } c)
                {
                    parsed++;
                    _ = c.Request.ValueKind; // the lazily built request must build
                    _ = c.ToHeaderValue();
                }
            }
        }

        Assert.True(parsed >= 0);
    }

    [Theory]
    [InlineData("intent")]
    [InlineData("YR")]
    [InlineData("YWJ")]
    public void Non_canonical_base64url_is_refused_not_thrown(string text)
    {
        Assert.True(Base64Url.TryDecode("YWI", out var ab)); // the canonical form of "ab": unused trailing bits are zero
        Assert.Equal("ab"u8.ToArray(), ab);
        Assert.False(Base64Url.TryDecode(text, out _));
        Assert.Equal(MppErrorCode.InvalidEncoding, Assert.Throws<MppFormatException>(() => Base64Url.Decode(text)).Code);
    }

    [Fact]
    public void Credential_and_receipt_parsing_only_throw_typed_errors()
    {
        var random = new Random(42);
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            var candidates = new[]
            {
                "Payment " + Base64Url.Encode(bytes),
                "Payment " + Base64Url.EncodeText(RandomHeader(random)),
                "Payment " + Base64Url.EncodeText("{\"challenge\":" + RandomHeader(random) + "}"),
                RandomHeader(random),
            };
            foreach (var value in candidates)
            {
                try
                {
                    _ = Credential.Parse(value);
                }
                catch (MppFormatException)
                {
                }

                try
                {
                    _ = PaymentReceipt.Parse(value.StartsWith("Payment ", StringComparison.Ordinal) ? value[8..] : value);
                }
                catch (MppFormatException)
                {
                }
            }
        }
    }
}
