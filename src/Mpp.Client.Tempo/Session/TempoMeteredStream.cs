using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Mpp.Client.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>One metered SSE stream being read and paid for (see <see cref="TempoSessions.StreamAsync"/>).</summary>
internal sealed class TempoMeteredStream(TempoSessionManager sessions, HttpClient http, HttpRequestMessage request, BigInteger? maxCost)
{
    public async IAsyncEnumerable<TempoStreamEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var outcome = response.GetPaymentOutcome();
            throw new TempoStreamException(outcome?.Code ?? MppErrorCode.PaymentRejected,
                outcome?.Reason ?? $"The stream was not opened (status {(int)response.StatusCode}).", outcome?.Problem);
        }

        var resource = response.RequestMessage?.RequestUri ?? request.RequestUri!;
        var authorized = BigInteger.Zero;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (item.EventType)
            {
                case "payment-need-voucher":
                    var need = SessionNeedVoucher.FromJson(Json(item.Data));
                    var (increment, stop) = await sessions.PayStreamVoucherAsync(resource, need, maxCost - authorized, cancellationToken).ConfigureAwait(false);
                    if (stop is not null)
                    {
                        yield return new TempoStreamEvent { Kind = TempoStreamEventKind.Stopped, EventType = item.EventType, Authorized = authorized, StopReason = stop };
                        yield break; // disposing the response closes the stream
                    }

                    authorized += increment;
                    break;

                case "payment-receipt":
                    var receipt = SessionReceipt.FromJson(Json(item.Data));
                    yield return new TempoStreamEvent { Kind = TempoStreamEventKind.Receipt, EventType = item.EventType, Data = item.Data, Id = item.EventId, Authorized = authorized, Spent = receipt.Spent };
                    break;

                case "payment-error":
                    var problem = PaymentProblem.TryParse(System.Text.Encoding.UTF8.GetBytes(item.Data));
                    throw new TempoStreamException(MppErrorCode.PaymentRejected, $"The server stopped the stream with a payment error ({problem?.Type ?? "no problem type"}).", problem);

                default:
                    yield return new TempoStreamEvent { Kind = TempoStreamEventKind.Data, EventType = item.EventType, Data = item.Data, Id = item.EventId, Authorized = authorized };
                    break;
            }
        }
    }

    private static JsonElement Json(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new TempoStreamException(MppErrorCode.InvalidReceipt, "A payment event of the stream is not JSON.", innerException: e);
        }
    }
}
