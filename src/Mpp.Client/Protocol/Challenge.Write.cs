using System.Buffers;

namespace Mpp.Client.Protocol;

public sealed partial class Challenge
{
    /// <summary>
    /// Writes the challenge as a JSON object, members in JCS order (RFC 8785): the form a credential echoes, and with
    /// <paramref name="requestAsObject"/> the form the MCP transport carries in <c>error.data.challenges[]</c> and
    /// <c>_meta["org.paymentauth/credential"].challenge</c>, <c>request</c> as the decoded object (otherwise its base64url
    /// text). A challenge read with <see cref="FromJson"/> is written as it was received when the request is an object.
    /// </summary>
    /// <param name="output">Where the UTF-8 JSON goes.</param>
    /// <param name="requestAsObject">Write <c>request</c> as an object (MCP) rather than base64url (HTTP credentials).</param>
    public void WriteJson(IBufferWriter<byte> output, bool requestAsObject)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (requestAsObject && Json is { } verbatim)
        {
            CanonicalJson.Write(output, verbatim);
            return;
        }

        CanonicalJson.WriteRaw(output, "{"u8);
        var first = true;
        Member(output, "description", Description, ref first);
        Member(output, "digest", Digest, ref first);
        Member(output, "expires", Expires, ref first);
        Member(output, "header", Header, ref first);
        Member(output, "id", Id, ref first);
        Member(output, "intent", Intent, ref first);
        Member(output, "method", Method, ref first);
        Member(output, "opaque", Opaque, ref first);
        Member(output, "realm", Realm, ref first);
        if (requestAsObject)
        {
            CanonicalJson.WriteRaw(output, ",\"request\":"u8);
            CanonicalJson.Write(output, Request);
        }
        else
        {
            Member(output, "request", EncodedRequest, ref first);
        }

        CanonicalJson.WriteRaw(output, "}"u8);
    }

    private static void Member(IBufferWriter<byte> output, string name, string? value, ref bool first)
    {
        if (value is null)
        {
            return;
        }

        if (!first)
        {
            CanonicalJson.WriteRaw(output, ","u8);
        }

        first = false;
        CanonicalJson.WriteString(output, name);
        CanonicalJson.WriteRaw(output, ":"u8);
        CanonicalJson.WriteString(output, value);
    }
}
