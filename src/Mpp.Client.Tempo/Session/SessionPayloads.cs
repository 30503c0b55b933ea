using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Writes and reads tempo/session credential payloads. Writing uses the source-generated <see cref="SessionJsonContext"/>;
/// reading is strict (mppx 0.11.0 <c>CredentialVerification.requireSessionCredentialPayload</c>: every required field
/// present and well formed, amounts as decimal strings, hashes as bytes32 hex) and fails with an
/// <see cref="MppException"/> (<see cref="MppErrorCode.InvalidCredential"/>) naming the field, not its value.
/// </summary>
internal static class SessionPayloads
{
    private static readonly WireFields Fields = new(MppErrorCode.InvalidCredential, "session payload");

    /// <summary>The payload as a JSON object for <c>PaymentPayload</c>.</summary>
    public static JsonElement ToJson(SessionPayload payload) => payload switch
    {
        SessionOpenPayload open => Serialize(open, SessionJsonContext.Default.SessionOpenPayload),
        SessionTopUpPayload topUp => Serialize(topUp, SessionJsonContext.Default.SessionTopUpPayload),
        SessionVoucherPayload voucher => Serialize(voucher, SessionJsonContext.Default.SessionVoucherPayload),
        SessionClosePayload close => Serialize(close, SessionJsonContext.Default.SessionClosePayload),
        null => throw new ArgumentNullException(nameof(payload)),
        _ => throw new ArgumentException("Unknown session payload type.", nameof(payload)),
    };

    /// <summary>Reads a payload object; <paramref name="requireDescriptor"/> reads it as v2 (see the other overload),
    /// false as v1.</summary>
    /// <exception cref="MppException">The payload is malformed.</exception>
    public static SessionPayload Read(JsonElement payload, bool requireDescriptor) =>
        Read(payload, requireDescriptor ? SessionProtocol.V2 : SessionProtocol.V1);

    /// <summary>Reads a payload object. v2: the descriptor is required and every amount is a uint96; v1: no descriptor
    /// needed, amounts uint128 (a top-up's uint256).</summary>
    /// <exception cref="MppException">The payload is malformed.</exception>
    public static SessionPayload Read(JsonElement payload, SessionProtocol protocol)
    {
        var requireDescriptor = protocol == SessionProtocol.V2;
        var bits = requireDescriptor ? 96 : 128;
        Fields.RequireObject(payload);
        var action = Fields.String(payload, "action");
        var channelId = Fields.Bytes32(payload, "channelId");
        var descriptor = Fields.OptionalDescriptor(payload, "descriptor");
        if (requireDescriptor && descriptor is null)
        {
            throw Fields.Invalid("descriptor is required for a v2 (TIP-1034) session action.");
        }

        switch (action)
        {
            case "open":
                RequireTransactionType(payload);
                return new SessionOpenPayload(channelId, descriptor, Fields.HexBytes(payload, "transaction"), Fields.Amount(payload, "cumulativeAmount", bits),
                    Fields.HexBytes(payload, "signature"), Fields.OptionalAddress(payload, "authorizedSigner"));
            case "topUp":
                RequireTransactionType(payload);
                return new SessionTopUpPayload(channelId, descriptor, Fields.HexBytes(payload, "transaction"), Fields.Amount(payload, "additionalDeposit", requireDescriptor ? 96 : 256));
            case "voucher":
                return new SessionVoucherPayload(channelId, descriptor, Fields.Amount(payload, "cumulativeAmount", bits), Fields.HexBytes(payload, "signature"));
            case "close":
                return new SessionClosePayload(channelId, descriptor, Fields.Amount(payload, "cumulativeAmount", bits), Fields.HexBytes(payload, "signature"));
            default:
                throw Fields.Invalid("action must be open, topUp, voucher or close.");
        }
    }

    private static void RequireTransactionType(JsonElement payload)
    {
        if (Fields.String(payload, "type") != "transaction")
        {
            throw Fields.Invalid("type must be \"transaction\".");
        }
    }

    private static JsonElement Serialize<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.SerializeToElement(value, info);
}
