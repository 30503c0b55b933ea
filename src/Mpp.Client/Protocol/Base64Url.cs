using System.Text;

namespace Mpp.Client.Protocol;

/// <summary>Base64url (RFC 4648 §5) without padding, as the Payment scheme requires; padded input is accepted when decoding.</summary>
public static class Base64Url
{
    private static readonly System.Buffers.SearchValues<char> Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes bytes as base64url without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    /// <summary>Encodes the UTF-8 bytes of <paramref name="text"/> as base64url without padding.</summary>
    public static string EncodeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encode(StrictUtf8.GetBytes(text));
    }

    /// <summary>Decodes base64url text (padding optional) into bytes.</summary>
    /// <exception cref="MppFormatException">The text holds a character outside the base64url alphabet, wrong padding or an impossible length.</exception>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        if (!TryDecode(text, out var bytes))
        {
            throw new MppFormatException(MppErrorCode.InvalidEncoding, "The value is not valid base64url.");
        }

        return bytes;
    }

    /// <summary>Decodes base64url text into a UTF-8 string, rejecting invalid UTF-8.</summary>
    /// <exception cref="MppFormatException">The text is not base64url or its bytes are not valid UTF-8.</exception>
    public static string DecodeText(ReadOnlySpan<char> text)
    {
        var bytes = Decode(text);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new MppFormatException(MppErrorCode.InvalidEncoding, "The decoded bytes are not valid UTF-8.", ex);
        }
    }

    /// <summary>Tries to decode base64url text (padding optional).</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        var buffer = new byte[GetMaxDecodedLength(text.Length)];
        if (!TryDecode(text, buffer, out var written))
        {
            return false;
        }

        bytes = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>The most bytes <paramref name="textLength"/> characters of base64url can decode to.</summary>
    internal static int GetMaxDecodedLength(int textLength) => System.Buffers.Text.Base64Url.GetMaxDecodedLength(textLength);

    /// <summary>Decodes base64url text (padding optional) into <paramref name="destination"/>, which must hold <see cref="GetMaxDecodedLength"/> bytes.</summary>
    internal static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        var length = text.Length;
        var padding = 0;
        while (length > 0 && text[length - 1] == '=')
        {
            length--;
            padding++;
        }

        if (padding > 2 || (padding > 0 && (length + padding) % 4 != 0) || length % 4 == 1)
        {
            return false;
        }

        var core = text[..length];
        if (core.IndexOfAnyExcept(Alphabet) >= 0)
        {
            return false;
        }

        try
        {
            return System.Buffers.Text.Base64Url.TryDecodeFromChars(core, destination, out written);
        }
        catch (FormatException)
        {
            // Non-zero trailing bits in the last quantum (e.g. "intent"): not a canonical encoding, so not valid here.
            written = 0;
            return false;
        }
    }

    /// <summary>True when every character is in the base64url alphabet (no padding).</summary>
    public static bool IsNoPadAlphabet(ReadOnlySpan<char> text) => text.IndexOfAnyExcept(Alphabet) < 0;
}
