using System.Security.Cryptography;
using System.Text;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class ContentDigestTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"hello\": \"world\"}\n");
    private static readonly string Sha256 = Convert.ToBase64String(SHA256.HashData(Body));
    private static readonly string Sha512 = Convert.ToBase64String(SHA512.HashData(Body));
    private static readonly string OtherSha256 = Convert.ToBase64String(SHA256.HashData("other"u8));

    [Fact]
    public void ComputeSha256_uses_the_rfc9530_dictionary_form_and_matches()
    {
        Assert.Equal($"sha-256=:{Sha256}:", ContentDigest.ComputeSha256(Body));
        Assert.True(ContentDigest.Matches(ContentDigest.ComputeSha256(Body), Body));
        Assert.Equal("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", ContentDigest.ComputeSha256([]));
    }

    [Fact]
    public void Colon_form_matches_only_the_same_body()
    {
        Assert.True(ContentDigest.Matches($"sha-256=:{Sha256}:", Body));
        Assert.False(ContentDigest.Matches($"sha-256=:{Sha256}:", "tampered"u8));
    }

    [Fact]
    public void Bare_form_is_accepted()
    {
        Assert.True(ContentDigest.Matches($"sha-256={Sha256}", Body));
        Assert.False(ContentDigest.Matches($"sha-256={OtherSha256}", Body));
    }

    [Fact]
    public void Sha512_is_supported()
    {
        Assert.True(ContentDigest.Matches($"sha-512=:{Sha512}:", Body));
        Assert.False(ContentDigest.Matches($"sha-512=:{Sha256}:", Body));
    }

    [Theory]
    [InlineData("md5=:rL0Y20zC+Fzt72VPzMSk2A==:")]
    [InlineData("unixsum=:MTIz:")]
    [InlineData("")]
    public void Only_unknown_algorithms_do_not_match(string digest)
    {
        Assert.False(ContentDigest.Matches(digest, Body));
    }

    [Fact]
    public void Every_supported_member_must_match()
    {
        Assert.True(ContentDigest.Matches($"sha-256=:{Sha256}:, sha-512=:{Sha512}:", Body));
        Assert.True(ContentDigest.Matches($"md5=:AAAA:, sha-256=:{Sha256}:", Body));
        Assert.False(ContentDigest.Matches($"sha-256=:{Sha256}:, sha-512=:{Convert.ToBase64String(new byte[64])}:", Body));
        Assert.False(ContentDigest.Matches($"sha-256=:{OtherSha256}:, sha-512=:{Sha512}:", Body));
    }

    [Fact]
    public void Parameters_and_whitespace_are_ignored()
    {
        Assert.True(ContentDigest.Matches($"  sha-256 = :{Sha256}: ;x=1 ", Body));
    }

    [Theory]
    [InlineData("sha-256")]
    [InlineData("=:abc:")]
    [InlineData("sha-256=:not base64!:")]
    public void Malformed_values_do_not_match(string digest)
    {
        Assert.False(ContentDigest.Matches(digest, Body));
    }
}
