using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.Signer.EIP712;

namespace Mpp.Client.X402.Testing.Internal;

/// <summary>
/// Verifies an <c>exact</c> EVM payment as the official facilitator does, with Nethereum's EIP-712 implementation
/// (independent of the wallet's): the signature recovers to <c>from</c>, <c>to</c> is <c>payTo</c>, <c>value</c> is exactly
/// the price, the window holds now and 6 more seconds, the nonce is fresh. Refusals carry the facilitator's reason codes.
/// </summary>
internal sealed class ExactVerifier(TimeProvider time)
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");
    private readonly HashSet<string> _nonces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>The accepted payment, or the reason it was refused.</summary>
    public (X402TestPayment? Payment, string? Refusal) Verify(string path, X402TestRoute route, JsonObject requirement, string header)
    {
        JsonObject payment;
        try
        {
            payment = JsonNode.Parse(Convert.FromBase64String(header)) as JsonObject ?? throw new FormatException(); // standard base64, as the official servers
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (null, "invalid_payload");
        }

        if (Int(payment["x402Version"]) != route.Version)
        {
            return (null, "invalid_x402_version");
        }

        if (route.Version == 2 && !JsonNode.DeepEquals(payment["accepted"], requirement))
        {
            return (null, "accepted_mismatch");
        }

        if (route.Version == 1 && (Text(payment["scheme"]) != route.Scheme || Text(payment["network"]) != Text(requirement["network"])))
        {
            return (null, "scheme_or_network_mismatch");
        }

        if (route.Scheme != "exact")
        {
            return (null, "unsupported_scheme");
        }

        if (payment["payload"] is not JsonObject inner || inner["authorization"] is not JsonObject auth
            || Text(inner["signature"]) is not { } signature
            || Text(auth["from"]) is not { } from || !IsAddress(from)
            || Text(auth["to"]) is not { } to || !IsAddress(to)
            || Text(auth["value"]) is not { } value || !IsUint(value)
            || Text(auth["validAfter"]) is not { } validAfterText || !long.TryParse(validAfterText, NumberStyles.None, CultureInfo.InvariantCulture, out var validAfter)
            || Text(auth["validBefore"]) is not { } validBeforeText || !long.TryParse(validBeforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var validBefore)
            || Text(auth["nonce"]) is not { } nonce || !IsHex(nonce, 64))
        {
            return (null, "invalid_exact_evm_payload");
        }

        if (!IsHex(signature, 130) || !(signature.EndsWith("1b", StringComparison.Ordinal) || signature.EndsWith("1c", StringComparison.Ordinal)))
        {
            return (null, "invalid_exact_evm_payload_signature");
        }

        // Every member interpolated below was checked to be an address, a decimal integer or hex: nothing can break the JSON.
        var typedData = $$$"""
            {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
            "TransferWithAuthorization":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"value","type":"uint256"},{"name":"validAfter","type":"uint256"},{"name":"validBefore","type":"uint256"},{"name":"nonce","type":"bytes32"}]},
            "primaryType":"TransferWithAuthorization",
            "domain":{"name":{{{JsonSerializer.Serialize(route.DomainName, TestingJson.Default.String)}}},"version":{{{JsonSerializer.Serialize(route.DomainVersion, TestingJson.Default.String)}}},"chainId":{{{route.ChainId.ToString(CultureInfo.InvariantCulture)}}},"verifyingContract":"{{{route.Asset}}}"},
            "message":{"from":"{{{from}}}","to":"{{{to}}}","value":"{{{value}}}","validAfter":"{{{validAfterText}}}","validBefore":"{{{validBeforeText}}}","nonce":"{{{nonce}}}"}}
            """;
        string recovered;
        try
        {
            recovered = new Eip712TypedDataSigner().RecoverFromSignatureV4(typedData, signature);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            return (null, "invalid_exact_evm_payload_signature");
        }

        if (!string.Equals(recovered, from, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "invalid_exact_evm_payload_signature");
        }

        if (!string.Equals(to, route.PayTo, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "invalid_exact_evm_payload_recipient_mismatch");
        }

        if (BigInteger.Parse(value, CultureInfo.InvariantCulture) != BigInteger.Parse(route.Amount, CultureInfo.InvariantCulture))
        {
            return (null, "invalid_exact_evm_payload_authorization_value");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (validBefore < now + 6)
        {
            return (null, "invalid_exact_evm_payload_authorization_valid_before");
        }

        if (validAfter > now)
        {
            return (null, "invalid_exact_evm_payload_authorization_valid_after");
        }

        if (route.RefuseAll)
        {
            return (null, "settle_failed");
        }

        lock (_gate)
        {
            if (!_nonces.Add(nonce))
            {
                return (null, "nonce_already_used");
            }
        }

        var transaction = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (new X402TestPayment(path, route.Version, Text(requirement["network"])!, route.Asset, from, to, value, validAfter, validBefore, nonce, transaction), null);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static int? Int(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var i) ? i : null;

    private static bool IsAddress(string s) => IsHex(s, 40);

    private static bool IsHex(string s, int digits) =>
        s.Length == digits + 2 && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && !s.AsSpan(2).ContainsAnyExcept(HexDigits);

    private static bool IsUint(string s) => s.Length is > 0 and <= 78 && s.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
}
