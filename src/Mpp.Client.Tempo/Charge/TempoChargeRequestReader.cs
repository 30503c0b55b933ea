using System.Numerics;
using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Charge;

/// <summary>
/// Reads a tempo/charge request strictly, before anything is signed (draft-tempo-charge-01 § "Amount Verification":
/// clients MUST parse and verify the request). Every failure is an <see cref="MppException"/> with
/// <see cref="MppErrorCode.InvalidChallenge"/> and a message that repeats no request value.
/// </summary>
internal static class TempoChargeRequestReader
{
    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    public static TempoChargeRequest Read(Challenge challenge, TempoChargeOptions options)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(options);
        var request = challenge.Request;
        if (request.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The tempo request is not a JSON object.");
        }

        var amount = ReadAmount(RequiredString(request, "amount"), "amount", allowZero: true);
        var currency = Address(RequiredString(request, "currency"), "currency");
        if (options.Tokens is { } tokens && !tokens.Contains(currency))
        {
            throw Invalid("The tempo request's currency is not a token this wallet pays in.");
        }

        var recipient = Address(RequiredString(request, "recipient"), "recipient");
        // Every methodDetails field is OPTIONAL (draft-tempo-charge-01 § "Method Details"), so may be the object itself.
        if (!request.TryGetProperty("methodDetails", out var details) || details.ValueKind == JsonValueKind.Null)
        {
            details = EmptyObject;
        }
        else if (details.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("The tempo request's methodDetails must be an object.");
        }

        // draft-tempo-charge-01 § "Method Details": chainId is OPTIONAL, default 42431.
        var chainId = TempoChains.TestnetChainId;
        if (details.TryGetProperty("chainId", out var chainElement) && chainElement.ValueKind != JsonValueKind.Null
            && (chainElement.ValueKind != JsonValueKind.Number || !chainElement.TryGetUInt64(out chainId) || chainId == 0))
        {
            throw Invalid("methodDetails.chainId must be a positive integer.");
        }

        if (!options.Chains.Contains(chainId))
        {
            throw Invalid("methodDetails.chainId names a chain this wallet does not pay on.");
        }

        var feePayer = false;
        if (details.TryGetProperty("feePayer", out var feePayerElement))
        {
            feePayer = feePayerElement.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => throw Invalid("methodDetails.feePayer must be a boolean."),
            };
        }

        byte[]? memo = details.TryGetProperty("memo", out var memoElement) ? Memo(memoElement, "methodDetails.memo") : null;

        // § "Submission Modes": absent means both (version 00 compatibility); present, it names at least one of them and
        // the client MUST choose an advertised one. Unknown values are ignored; the modes do not apply to a zero amount.
        bool pull = true, push = true;
        if (details.TryGetProperty("supportedModes", out var modes) && modes.ValueKind != JsonValueKind.Null)
        {
            if (modes.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("methodDetails.supportedModes must be an array.");
            }

            pull = push = false;
            foreach (var mode in modes.EnumerateArray())
            {
                pull |= mode.ValueKind == JsonValueKind.String && mode.ValueEquals("pull"u8);
                push |= mode.ValueKind == JsonValueKind.String && mode.ValueEquals("push"u8);
            }

            if (!pull && !push && !amount.IsZero)
            {
                throw Invalid("methodDetails.supportedModes names neither pull nor push.");
            }
        }

        var splits = new List<TempoTransfer>();
        if (details.TryGetProperty("splits", out var splitsElement) && splitsElement.ValueKind != JsonValueKind.Null)
        {
            if (splitsElement.ValueKind != JsonValueKind.Array || splitsElement.GetArrayLength() == 0)
            {
                throw Invalid("methodDetails.splits must be a non-empty array.");
            }

            if (splitsElement.GetArrayLength() > options.MaxSplits)
            {
                throw Invalid($"methodDetails.splits has more than {options.MaxSplits} entries.");
            }

            foreach (var split in splitsElement.EnumerateArray())
            {
                if (split.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid("A split entry must be an object.");
                }

                var splitAmount = ReadAmount(RequiredString(split, "amount", "split amount"), "split amount", allowZero: false);
                var splitRecipient = Address(RequiredString(split, "recipient", "split recipient"), "split recipient");
                var splitMemo = split.TryGetProperty("memo", out var m) ? Memo(m, "split memo") : null;
                splits.Add(new TempoTransfer(splitRecipient, splitAmount, splitMemo));
            }
        }

        var splitTotal = splits.Aggregate(BigInteger.Zero, (sum, s) => sum + s.Amount);
        if (splits.Count > 0 && splitTotal >= amount)
        {
            throw Invalid("The split amounts add up to the whole amount or more.");
        }

        var transfers = new List<TempoTransfer>(splits.Count + 1) { new(recipient, amount - splitTotal, memo) };
        transfers.AddRange(splits);
        return new TempoChargeRequest(amount, currency, recipient, chainId, feePayer, transfers) { PullAllowed = pull, PushAllowed = push };
    }

    private static string RequiredString(JsonElement obj, string name, string? label = null)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw Invalid($"The tempo request's {label ?? name} must be a non-empty string.");
        }

        return text;
    }

    private static BigInteger ReadAmount(string text, string label, bool allowZero)
    {
        if (!PaymentTerms.TryParseAmount(text, out var amount) || amount.GetByteCount(isUnsigned: true) > 32)
        {
            throw Invalid($"The tempo request's {label} must be a base-10 integer string (a uint256).");
        }

        if (!allowZero && amount.IsZero)
        {
            throw Invalid($"The tempo request's {label} must be greater than zero.");
        }

        return amount;
    }

    private static string Address(string text, string label)
    {
        try
        {
            return EvmAddress.Normalize(text);
        }
        catch (FormatException)
        {
            throw Invalid($"The tempo request's {label} is not a 20-byte hex address.");
        }
    }

    private static byte[] Memo(JsonElement element, string label)
    {
        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: 66 } text && text.StartsWith("0x", StringComparison.Ordinal))
        {
            try
            {
                return Hex.Decode(text);
            }
            catch (FormatException)
            {
                // fall through to the refusal
            }
        }

        throw Invalid($"The tempo request's {label} must be a 0x-prefixed bytes32 hex string.");
    }

    private static MppException Invalid(string message) => new(MppErrorCode.InvalidChallenge, message);
}
