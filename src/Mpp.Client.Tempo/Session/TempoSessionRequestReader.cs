using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// Reads a tempo/session challenge request strictly, before anything is signed. Every failure is an
/// <see cref="MppException"/> with <see cref="MppErrorCode.InvalidChallenge"/> and a message that repeats no request value.
/// Trust decisions (which chains, tokens and escrows this wallet pays into) are the caller's.
/// </summary>
/// <remarks>
/// Defaults, from draft-tempo-session-00 § "Method Details" and mppx 0.11.0: chainId 4217; sessionProtocol absent means
/// v1 (mppx's v2 client answers only <c>"v2"</c>, its legacy client absent or <c>"v1"</c>); a v2 escrow absent means the
/// TIP-1034 precompile (mppx's client default); a v1 escrow is required; operator absent means the zero address. An
/// unknown sessionProtocol is refused (the spec forbids answering with another protocol than the challenge's).
/// </remarks>
internal static class TempoSessionRequestReader
{
    private static readonly WireFields Fields = new(MppErrorCode.InvalidChallenge, "tempo session request");

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    /// <summary>Reads the request of a <c>tempo</c>/<c>session</c> challenge.</summary>
    /// <exception cref="MppException">The challenge is not tempo/session or its request is malformed.</exception>
    public static TempoSessionRequest Read(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!string.Equals(challenge.Method, "tempo", StringComparison.Ordinal) || !string.Equals(challenge.Intent, "session", StringComparison.Ordinal))
        {
            throw new MppException(MppErrorCode.InvalidChallenge, "The challenge is not a tempo/session challenge.");
        }

        return Read(challenge.Request);
    }

    /// <summary>Reads a decoded request object.</summary>
    /// <exception cref="MppException">The request is malformed.</exception>
    public static TempoSessionRequest Read(JsonElement request)
    {
        Fields.RequireObject(request);
        var amount = Fields.Amount(request, "amount", 256);
        if (amount.IsZero)
        {
            throw Fields.Invalid("amount must be greater than zero.");
        }

        var currency = Fields.Address(request, "currency");
        var recipient = Fields.Address(request, "recipient");
        var unitType = Fields.OptionalString(request, "unitType");
        var suggestedDeposit = Fields.OptionalAmount(request, "suggestedDeposit", 256);

        if (!request.TryGetProperty("methodDetails", out var details) || details.ValueKind == JsonValueKind.Null)
        {
            details = EmptyObject;
        }
        else if (details.ValueKind != JsonValueKind.Object)
        {
            throw Fields.Invalid("methodDetails must be an object.");
        }

        var protocol = Fields.OptionalString(details, "sessionProtocol") switch
        {
            null or "v1" => SessionProtocol.V1,
            "v2" => SessionProtocol.V2,
            _ => throw Fields.Invalid("methodDetails.sessionProtocol is neither v1 nor v2."),
        };

        var chainId = Fields.OptionalPositiveInteger(details, "chainId") ?? TempoChains.MainnetChainId;
        var escrow = Fields.OptionalAddress(details, "escrowContract")
            ?? (protocol == SessionProtocol.V2 ? EscrowAbi.PrecompileAddress : throw Fields.Invalid("methodDetails.escrowContract is required for a v1 session."));

        var feePayer = false;
        if (details.TryGetProperty("feePayer", out var feePayerElement))
        {
            // mppx 0.11.0's schema: a boolean, or an object (a fee-payer account) that means true.
            feePayer = feePayerElement.ValueKind switch
            {
                JsonValueKind.True or JsonValueKind.Object => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Fields.Invalid("methodDetails.feePayer must be a boolean."),
            };
        }

        SessionSnapshot? snapshot = null;
        if (details.TryGetProperty("sessionSnapshot", out var snapshotElement) && snapshotElement.ValueKind != JsonValueKind.Null)
        {
            snapshot = SessionSnapshot.FromJson(snapshotElement);
        }

        var minVoucherDelta = Fields.OptionalAmount(details, "minVoucherDelta", 256);
        return new TempoSessionRequest(amount, unitType, suggestedDeposit, currency, recipient, escrow, chainId, protocol)
        {
            ChannelId = Fields.OptionalBytes32(details, "channelId"),
            MinVoucherDelta = minVoucherDelta,
            FeePayer = feePayer,
            FeeToken = Fields.OptionalAddress(details, "feeToken"),
            Operator = Fields.OptionalAddress(details, "operator") ?? EscrowAbi.ZeroAddress,
            Snapshot = snapshot,
        };
    }
}
