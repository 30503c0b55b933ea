using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.X402.Internal;

namespace Mpp.Client.X402.Exact;

/// <summary>
/// One x402 <c>PaymentRequirements</c> entry of the <c>exact</c> scheme on an EVM network, read from the challenge the
/// x402 scheme made of it (request <c>{"x402Version", "accepted", "resource"?}</c>). Every field is checked; nothing here
/// trusts the server.
/// </summary>
internal sealed class X402Requirement
{
    /// <summary>The validity an authorization must have left when the facilitator verifies it (@x402/evm 2.27.0).</summary>
    public const int MinValiditySeconds = 6;

    private X402Requirement()
    {
    }

    public int X402Version { get; private init; }

    /// <summary>The requirement exactly as received, echoed as <c>accepted</c> in v2.</summary>
    public JsonElement Accepted { get; private init; }

    /// <summary>v2's resource object, echoed in the payment payload.</summary>
    public JsonElement? Resource { get; private init; }

    public string Scheme { get; private init; } = "";

    public string Network { get; private init; } = "";

    public long ChainId { get; private init; }

    public BigInteger Amount { get; private init; }

    /// <summary>The token address, lower case.</summary>
    public string Asset { get; private init; } = "";

    /// <summary>The recipient, lower case.</summary>
    public string PayTo { get; private init; } = "";

    public long MaxTimeoutSeconds { get; private init; }

    public string DomainName { get; private init; } = "";

    public string DomainVersion { get; private init; } = "";

    /// <exception cref="MppException">The requirement is malformed (code <see cref="MppErrorCode.InvalidChallenge"/>).</exception>
    public static X402Requirement Read(Challenge challenge)
    {
        var request = challenge.Request;
        if (!request.TryGetProperty("x402Version"u8, out var v) || !v.TryGetInt32(out var version) || version is not (1 or 2))
        {
            throw Invalid("The challenge does not carry an x402 v1 or v2 requirement.");
        }

        if (!request.TryGetProperty("accepted"u8, out var accepted) || accepted.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The challenge does not carry an x402 requirement.");
        }

        JsonElement? resource = request.TryGetProperty("resource"u8, out var r) && r.ValueKind == JsonValueKind.Object ? r : null;
        var scheme = String(accepted, "scheme");
        var network = String(accepted, "network");
        if (!X402Networks.TryGetChainId(network, version, out var chainId))
        {
            throw Invalid($"The x402 network '{network}' is not an EVM network this wallet knows.");
        }

        var amountField = version == 1 ? "maxAmountRequired" : "amount";
        if (!PaymentTerms.TryParseAmount(String(accepted, amountField), out var amount))
        {
            throw Invalid($"The x402 {amountField} must be a decimal string of base units.");
        }

        if (amount.GetByteCount(isUnsigned: true) > 32)
        {
            throw Invalid($"The x402 {amountField} does not fit a uint256.");
        }

        string asset, payTo;
        try
        {
            asset = EvmAddress.Normalize(String(accepted, "asset"));
            payTo = EvmAddress.Normalize(String(accepted, "payTo"));
        }
        catch (FormatException e)
        {
            throw Invalid("The x402 asset and payTo must be 20-byte 0x-prefixed hex addresses: " + e.Message);
        }

        if (!accepted.TryGetProperty("maxTimeoutSeconds"u8, out var t) || t.ValueKind != JsonValueKind.Number
            || !t.TryGetInt64(out var timeout) || timeout <= 0)
        {
            throw Invalid("The x402 maxTimeoutSeconds must be a positive whole number.");
        }

        if (timeout < MinValiditySeconds)
        {
            // The official facilitator refuses an authorization with less than 6 seconds left: signing one would only
            // hand out a payment that cannot be used yet stays counted.
            throw Invalid($"The x402 maxTimeoutSeconds ({timeout}) is below the {MinValiditySeconds} seconds a facilitator needs.");
        }

        if (!accepted.TryGetProperty("extra"u8, out var extra) || extra.ValueKind != JsonValueKind.Object
            || !extra.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is not { Length: > 0 } domainName
            || !extra.TryGetProperty("version"u8, out var ver) || ver.ValueKind != JsonValueKind.String || ver.GetString() is not { Length: > 0 } domainVersion)
        {
            throw Invalid("The x402 requirement has no EIP-712 domain (extra.name and extra.version) for its asset.");
        }

        if (extra.TryGetProperty("assetTransferMethod"u8, out var method) && !(method.ValueKind == JsonValueKind.String && method.ValueEquals("eip3009"u8)))
        {
            throw Invalid("The x402 requirement asks for an asset transfer method other than EIP-3009.");
        }

        return new X402Requirement
        {
            X402Version = version,
            Accepted = accepted,
            Resource = resource,
            Scheme = scheme,
            Network = network,
            ChainId = chainId,
            Amount = amount,
            Asset = asset,
            PayTo = payTo,
            MaxTimeoutSeconds = timeout,
            DomainName = domainName,
            DomainVersion = domainVersion,
        };
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"x402 v{X402Version} {Scheme} on {Network}: {Amount} of {Asset} to {PayTo}");

    private static string String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } s
            ? s
            : throw Invalid($"The x402 requirement has no {name}.");

    private static MppException Invalid(string reason) => new(MppErrorCode.InvalidChallenge, reason);
}
