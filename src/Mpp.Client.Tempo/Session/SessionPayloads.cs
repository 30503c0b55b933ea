using System.Text.Json;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Writes and reads tempo/session credential payloads. Writing uses the source-generated <see cref="SessionJsonContext"/>;
/// reading is strict (mppx 0.11.0 <c>CredentialVerification.requireSessionCredentialPayload</c>: every required field
/// present and well formed, amounts as decimal strings, hashes as bytes32 hex) and fails with an
/// <see cref="MppException"/> (<see cref="MppErrorCode.InvalidCredential"/>) naming the field, not its value.
/// </summary>
internal static class SessionPayloads
{
    /// <summary>The payload as a JSON object for <c>PaymentPayload</c>.</summary>
    public static JsonElement ToJson(SessionPayload payload) => throw new NotImplementedException();

    /// <summary>Reads a payload object; <paramref name="requireDescriptor"/> (v2) makes a missing descriptor an error.</summary>
    /// <exception cref="MppException">The payload is malformed.</exception>
    public static SessionPayload Read(JsonElement payload, bool requireDescriptor) => throw new NotImplementedException();
}
