using System.Text;
using System.Text.Json;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Cli.Output;

/// <summary>
/// <c>--json</c>: one object on stdout — <c>status</c>, <c>headers</c>, the body (<c>body</c> as text when it is UTF-8,
/// else <c>bodyBase64</c>; <c>bodyFile</c> with <c>-o</c>), <c>payment</c> (outcome, code, reason, quote, receipt, the
/// quotes of <c>--quote</c>) and <c>exitCode</c>, through <see cref="JsonOut"/>.
/// </summary>
internal static class JsonReport
{
    public static void Write(CliConsole console, Uri url, HttpResponseMessage? response, byte[]? body, string? bodyFile, PaymentOutcome? outcome, int exitCode, string? error) =>
        JsonOut.Write(console, json => WriteReport(json, url, response, body, bodyFile, outcome, exitCode, error));

    private static void WriteReport(Utf8JsonWriter json, Uri url, HttpResponseMessage? response, byte[]? body, string? bodyFile, PaymentOutcome? outcome, int exitCode, string? error)
    {
        json.WriteStartObject();
        json.WriteString("url", url.ToString());
        if (response is not null)
        {
            json.WriteNumber("status", (int)response.StatusCode);
            json.WriteStartObject("headers");
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                json.WriteString(name.ToLowerInvariant(), string.Join(", ", values));
            }

            json.WriteEndObject();
            WriteBody(json, body, bodyFile);
        }

        if (outcome is not null)
        {
            json.WritePropertyName("payment");
            WriteOutcome(json, outcome);
        }
        else
        {
            json.WriteNull("payment");
        }

        if (error is not null)
        {
            json.WriteString("error", error);
        }

        json.WriteNumber("exitCode", exitCode);
        json.WriteEndObject();
    }

    private static void WriteBody(Utf8JsonWriter json, byte[]? body, string? bodyFile)
    {
        if (bodyFile is not null)
        {
            json.WriteString("bodyFile", bodyFile);
        }
        else if (body is null)
        {
            json.WriteNull("body");
        }
        else if (IsUtf8(body))
        {
            json.WriteString("body", Encoding.UTF8.GetString(body));
        }
        else
        {
            json.WriteBase64String("bodyBase64", body);
        }
    }

    private static void WriteOutcome(Utf8JsonWriter json, PaymentOutcome outcome)
    {
        json.WriteStartObject();
        json.WriteString("outcome", outcome.Status.ToString().ToLowerInvariant());
        if (outcome.Code is { } code)
        {
            json.WriteString("code", code.ToString());
        }

        if (outcome.Reason is { } reason)
        {
            json.WriteString("reason", reason);
        }

        json.WriteBoolean("moneyMayHaveMoved", outcome.MoneyMayHaveMoved);
        if (outcome.Quote is { } quote)
        {
            json.WritePropertyName("quote");
            WriteQuote(json, quote);
        }

        if (outcome.Receipt is { } receipt)
        {
            json.WritePropertyName("receipt");
            WriteReceipt(json, receipt);
        }

        if (outcome.LedgerEntryId is { } entry)
        {
            json.WriteString("ledgerEntryId", entry.ToString());
        }

        if (outcome.Status == PaymentStatus.Quoted || outcome.Rejections.Count > 0)
        {
            json.WriteStartArray("payable");
            foreach (var q in outcome.Payable)
            {
                WriteQuote(json, q);
            }

            json.WriteEndArray();
            json.WriteStartArray("rejected");
            foreach (var r in outcome.Rejections)
            {
                json.WriteStartObject();
                json.WriteString("method", r.Method);
                json.WriteString("intent", r.Intent);
                json.WriteString("challengeId", r.ChallengeId);
                json.WriteString("code", r.Code.ToString());
                json.WriteString("reason", r.Reason);
                if (r.Quote is { } rq)
                {
                    json.WritePropertyName("quote");
                    WriteQuote(json, rq);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteQuote(Utf8JsonWriter json, PaymentQuote quote)
    {
        json.WriteStartObject();
        json.WriteString("method", quote.Method);
        json.WriteString("intent", quote.Intent);
        json.WriteString("challengeId", quote.Challenge.Id);
        json.WriteNumber("amount", quote.DisplayAmount);
        json.WriteNumber("maxFee", quote.DisplayFee);
        json.WriteString("unit", quote.Unit);
        json.WriteString("baseUnits", quote.Terms.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("currency", quote.Terms.Currency);
        json.WriteString("recipient", quote.Recipient);
        if (quote.ExpiresAt is { } expires)
        {
            json.WriteString("expires", expires);
        }

        json.WriteEndObject();
    }

    private static void WriteReceipt(Utf8JsonWriter json, PaymentReceipt receipt)
    {
        json.WriteStartObject();
        json.WriteString("status", receipt.Status);
        json.WriteString("method", receipt.Method);
        json.WriteString("reference", receipt.Reference);
        json.WriteString("timestamp", receipt.Timestamp);
        if (receipt.ExternalId is { } id)
        {
            json.WriteString("externalId", id);
        }

        json.WriteEndObject();
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
