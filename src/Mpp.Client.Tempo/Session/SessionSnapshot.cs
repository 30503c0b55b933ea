using System.Numerics;
using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// A server's snapshot of a reusable v2 channel (draft-tempo-session-00 § "Session Snapshot"; mppx 0.11.0
/// <c>tempo/session/Snapshot.js</c>): sent as <c>methodDetails.sessionSnapshot</c> or in the
/// <c>Payment-Session-Snapshot</c> header (base64url JSON, no padding). Only a hint: check it with
/// <see cref="IsConsistent"/> before use.
/// </summary>
internal sealed record SessionSnapshot(
    string ChannelId,
    ulong ChainId,
    string Escrow,
    ChannelDescriptor Descriptor,
    BigInteger AcceptedCumulative,
    BigInteger RequiredCumulative,
    BigInteger Deposit,
    BigInteger Settled,
    BigInteger Spent)
{
    /// <summary>Units delivered by the server's count, or null.</summary>
    public long? Units { get; init; }

    /// <summary>Close-request time (decimal string, Unix seconds) when the channel is closing, or null.</summary>
    public string? CloseRequestedAt { get; init; }

    /// <summary>The highest voucher the server holds, or null.</summary>
    public SignedVoucher? HighestVoucher { get; init; }

    private static readonly WireFields Fields = new(MppErrorCode.InvalidChallenge, "sessionSnapshot");

    /// <summary>The channel id recomputed from <see cref="Descriptor"/>, <see cref="Escrow"/> and <see cref="ChainId"/>
    /// equals <see cref="ChannelId"/> (and a highest voucher, if any, names the same channel).</summary>
    public bool IsConsistent() =>
        Descriptor.ComputeChannelId(Escrow, ChainId) == ChannelId
        && (HighestVoucher is null || HighestVoucher.ChannelId == ChannelId);

    /// <summary>Reads the snapshot object.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidChallenge"/>: malformed.</exception>
    public static SessionSnapshot FromJson(JsonElement snapshot)
    {
        Fields.RequireObject(snapshot);
        var chainId = Fields.OptionalPositiveInteger(snapshot, "chainId") ?? throw Fields.Invalid("chainId must be a positive integer.");
        var descriptor = Fields.OptionalDescriptor(snapshot, "descriptor") ?? throw Fields.Invalid("descriptor is required.");
        SignedVoucher? highest = null;
        if (snapshot.TryGetProperty("highestVoucher", out var voucher) && voucher.ValueKind != JsonValueKind.Null)
        {
            var voucherFields = new WireFields(MppErrorCode.InvalidChallenge, "sessionSnapshot's highestVoucher");
            voucherFields.RequireObject(voucher);
            highest = new SignedVoucher(
                voucherFields.Bytes32(voucher, "channelId"),
                voucherFields.Amount(voucher, "cumulativeAmount"),
                voucherFields.HexBytes(voucher, "signature"));
        }

        var closeRequestedAt = Fields.OptionalString(snapshot, "closeRequestedAt");
        if (closeRequestedAt is not null && !closeRequestedAt.All(char.IsAsciiDigit))
        {
            throw Fields.Invalid("closeRequestedAt must be a base-10 integer string.");
        }

        return new SessionSnapshot(
            Fields.Bytes32(snapshot, "channelId"),
            chainId,
            Fields.Address(snapshot, "escrow"),
            descriptor,
            Fields.Amount(snapshot, "acceptedCumulative"),
            Fields.Amount(snapshot, "requiredCumulative"),
            Fields.Amount(snapshot, "deposit"),
            Fields.Amount(snapshot, "settled"),
            Fields.Amount(snapshot, "spent"))
        {
            Units = Fields.OptionalNonNegativeInteger(snapshot, "units"),
            CloseRequestedAt = closeRequestedAt,
            HighestVoucher = highest,
        };
    }

    /// <summary>Reads a <c>Payment-Session-Snapshot</c> header value.</summary>
    /// <exception cref="MppException">Not base64url JSON (<see cref="MppErrorCode.InvalidEncoding"/>) or malformed
    /// (<see cref="MppErrorCode.InvalidChallenge"/>).</exception>
    public static SessionSnapshot ParseHeader(string headerValue)
    {
        ArgumentNullException.ThrowIfNull(headerValue);
        if (!Base64Url.TryDecode(headerValue.Trim(), out var bytes))
        {
            throw new MppException(MppErrorCode.InvalidEncoding, "The Payment-Session-Snapshot header is not base64url.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new MppException(MppErrorCode.InvalidEncoding, "The Payment-Session-Snapshot header is not JSON.", e);
        }

        using (document)
        {
            return FromJson(document.RootElement);
        }
    }
}
