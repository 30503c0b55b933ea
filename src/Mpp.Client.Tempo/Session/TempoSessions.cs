using Mpp.Client.Tempo.Charge;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// The application's handle on its Tempo payment channels (resolve it from DI after <c>AddTempo()</c>): list them and
/// close them — one resource's channel, or all at shutdown. Closing settles what was spent and releases the rest of the
/// deposit in the ledger.
/// </summary>
public sealed class TempoSessions
{
    private readonly Func<TempoSessionManager?> _manager;

    internal TempoSessions(Func<TempoSessionManager?> manager) => _manager = manager;

    /// <summary>True when sessions are configured (<c>Mpp:Tempo:Session:MaxDeposit</c> is set).</summary>
    public bool Enabled => _manager() is not null;

    /// <summary>Every channel the store holds, in any state.</summary>
    /// <exception cref="InvalidOperationException">Sessions are off.</exception>
    public async ValueTask<IReadOnlyList<TempoChannel>> ListChannelsAsync(CancellationToken cancellationToken = default) =>
        await Manager.Store.ListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the open channel that pays <paramref name="resource"/>, posting the close to it.</summary>
    /// <exception cref="InvalidOperationException">Sessions are off.</exception>
    /// <exception cref="MppException">No open channel pays there, or the server refused the close.</exception>
    public async ValueTask<TempoSessionCloseResult> CloseAsync(Uri resource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var manager = Manager;
        string? key = manager.TryGetTicket(resource, out var ticket) ? ticket.Key : null;
        if (key is null)
        {
            var origin = resource.GetLeftPart(UriPartial.Authority);
            var channels = await manager.Store.ListAsync(cancellationToken).ConfigureAwait(false);
            key = channels.FirstOrDefault(c => c.Status == TempoChannelStatus.Open && string.Equals(c.Origin, origin, StringComparison.OrdinalIgnoreCase))?.Key
                ?? throw new MppException(MppErrorCode.InvalidChallenge, "No open channel pays that origin.");
        }

        return await manager.CloseAsync(key, resource, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes every open channel (at a resource it paid, or its origin), one after the other; a channel that fails to
    /// close stays open and is reported with its error.
    /// </summary>
    /// <exception cref="InvalidOperationException">Sessions are off.</exception>
    public async ValueTask<IReadOnlyList<(TempoChannel Channel, TempoSessionCloseResult? Result, Exception? Error)>> CloseAllAsync(CancellationToken cancellationToken = default)
    {
        var manager = Manager;
        var results = new List<(TempoChannel, TempoSessionCloseResult?, Exception?)>();
        foreach (var channel in await manager.Store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (channel.Status != TempoChannelStatus.Open)
            {
                continue;
            }

            var resource = manager.Tickets.FirstOrDefault(t => t.Key == channel.Key) is { } t && t.Resource is { } r ? r : new Uri(channel.Origin + "/");
            try
            {
                results.Add((channel, await manager.CloseAsync(channel.Key, resource, cancellationToken).ConfigureAwait(false), null));
            }
            catch (Exception e) when (e is MppException or Mpp.Client.Methods.PaymentMethodException or HttpRequestException)
            {
                results.Add((channel, null, e));
            }
        }

        return results;
    }

    /// <summary>
    /// Reads a metered SSE response and pays as it streams (draft-payment-transport-sse-00, draft-tempo-session-00): the
    /// request goes through <paramref name="http"/> (a client with <c>AddMppPayments</c>, which pays the first 402 by
    /// opening or reusing a channel); each <c>payment-need-voucher</c> event is answered with a voucher within the policy
    /// and <paramref name="maxCost"/>; in-stream receipts are yielded; the stream stops (its response disposed) when paying
    /// on would cross a limit, with a last <see cref="TempoStreamEventKind.Stopped"/> event.
    /// </summary>
    /// <param name="http">A paying client.</param>
    /// <param name="request">The request (its <c>Accept</c> gets <c>text/event-stream</c>).</param>
    /// <param name="maxCost">The most this stream may authorize beyond the request's own payment, in base units; null: no own limit.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <exception cref="TempoStreamException">The request was not paid, the server sent a <c>payment-error</c>, or refused a voucher.</exception>
    public IAsyncEnumerable<TempoStreamEvent> StreamAsync(HttpClient http, HttpRequestMessage request, System.Numerics.BigInteger? maxCost = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        return new TempoMeteredStream(Manager, http, request, maxCost).ReadAsync(cancellationToken);
    }

    private TempoSessionManager Manager => _manager() ?? throw new InvalidOperationException("Tempo sessions are off: set Mpp:Tempo:Session:MaxDeposit to pay tempo/session challenges.");
}
