using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class Base64UrlTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("a", "YQ")]
    [InlineData("ab", "YWI")]
    [InlineData("abc", "YWJj")]
    [InlineData(">>>???", "Pj4-Pz8_")]
    [InlineData("é€😀", "w6nigqzwn5iA")]
    public void Encode_is_url_safe_without_padding_and_decodes_back(string text, string encoded)
    {
        Assert.Equal(encoded, Base64Url.EncodeText(text));
        Assert.Equal(text, Base64Url.DecodeText(encoded));
    }

    [Theory]
    [InlineData("YQ==", "a")]
    [InlineData("YWI=", "ab")]
    [InlineData("eyJhIjoxfQ==", "{\"a\":1}")]
    public void Padded_input_is_accepted(string encoded, string text)
    {
        Assert.Equal(text, Base64Url.DecodeText(encoded));
    }

    [Theory]
    [InlineData("YQ=")]      // padding to a length that is not a multiple of 4
    [InlineData("YQ===")]    // too much padding
    [InlineData("Y")]        // impossible length
    [InlineData("YWJj=")]    // padding where none is needed
    [InlineData("Pj4+Pz8/")] // standard alphabet
    [InlineData("YW J j")]   // whitespace
    [InlineData("not-valid!!!")]
    [InlineData("=YQ")]
    public void Invalid_input_is_rejected(string encoded)
    {
        Assert.False(Base64Url.TryDecode(encoded, out _));
        var ex = Assert.Throws<MppFormatException>(() => Base64Url.Decode(encoded));
        Assert.Equal(MppErrorCode.InvalidEncoding, ex.Code);
    }

    [Theory]
    [InlineData("_w")]   // 0xFF
    [InlineData("wA")]   // overlong 0xC0
    [InlineData("7aCA")] // encoded surrogate U+D800
    public void Bytes_that_are_not_utf8_are_rejected_by_DecodeText(string encoded)
    {
        Assert.True(Base64Url.TryDecode(encoded, out _));
        var ex = Assert.Throws<MppFormatException>(() => Base64Url.DecodeText(encoded));
        Assert.Equal(MppErrorCode.InvalidEncoding, ex.Code);
    }

    [Fact]
    public void Alphabet_check_has_no_padding()
    {
        Assert.True(Base64Url.IsNoPadAlphabet("Pj4-Pz8_"));
        Assert.False(Base64Url.IsNoPadAlphabet("YQ=="));
        Assert.False(Base64Url.IsNoPadAlphabet("Pj4+"));
    }
}
