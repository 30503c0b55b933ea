using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Diagnostics;
using Mpp.Client.Policy;

namespace Mpp.Client.Http;

/// <summary>
/// A <see cref="DelegatingHandler"/> that pays <c>402 Payment Required</c> responses of the "Payment" HTTP authentication
/// scheme within the configured spending policy, and resends the request with the credential.
/// Responses other than 402 pass through untouched. Add it with <c>AddMppPayments()</c>.
/// </summary>
/// <remarks>
/// Redirects are followed here (the primary handler's automatic redirects are turned off by <c>AddMppPayments</c>) so that
/// a credential never follows a redirect and a challenge reached through a redirect to another origin is never paid.
/// </remarks>
public sealed class PaymentHandler : DelegatingHandler
{
    private readonly PaymentFlow _flow;
    private readonly ILogger _logger;
    private readonly string? _clientBudget;
    private IDisposable? _owned;

    internal PaymentHandler(PaymentFlow flow, ILogger<PaymentHandler> logger, string? clientBudget = null)
    {
        _flow = flow;
        _logger = logger;
        _clientBudget = clientBudget;
    }

    /// <summary>
    /// Creates a handler for use without dependency injection: <c>new HttpClient(PaymentHandler.Create(...))</c>. It owns
    /// its services (policy, in-memory ledger, telemetry) and a <see cref="SocketsHttpHandler"/> with automatic redirects
    /// off, and disposes them with itself.
    /// </summary>
    /// <param name="configureOptions">Sets budgets, allow-lists and the rest of <see cref="MppOptions"/>.</param>
    /// <param name="configureMpp">Adds payment methods, approvers, observers or a ledger.</param>
    /// <exception cref="OptionsValidationException">The options or the wallets are invalid (every problem is listed).</exception>
    public static PaymentHandler Create(Action<MppOptions> configureOptions, Action<MppBuilder> configureMpp)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        ArgumentNullException.ThrowIfNull(configureMpp);
        var services = new ServiceCollection();
        configureMpp(services.AddMpp(configureOptions));
        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<MppStartupCheck>(); // validates options and wallets now, not on the first request
            var handler = provider.GetRequiredService<PaymentHandlerFactory>().Create();
            handler.InnerHandler = new SocketsHttpHandler { AllowAutoRedirect = false };
            handler._owned = provider;
            return handler;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Exchange(ref _owned, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var originalUri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (_flow.AcceptPaymentFor(originalUri, out var options) is { } accept && !request.Headers.Contains("Accept-Payment"))
        {
            request.Headers.TryAddWithoutValidation("Accept-Payment", accept);
        }

        IPreemptivePayer? attached = null;
        // A request with its own MaxPayment takes the 402 path, where the selector applies that cap to the quote.
        if (_flow.Preemptive.Length > 0 && request.GetPaymentMode() == PaymentMode.Pay && !request.Options.TryGetValue(MppRequestOptions.MaxPayment, out _))
        {
            attached = await AttachPreemptiveAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var resendable = true;
        if (attached is not null && request.Content is not null)
        {
            try
            {
                await RequestBody.PrepareAsync(request, cancellationToken).ConfigureAwait(false); // it may be sent once more
            }
            catch (PaymentException)
            {
                resendable = false; // too large to buffer: sent once, as it would be without a payer
            }
        }

        var response = await SendFollowingRedirectsAsync(request, options, cancellationToken).ConfigureAwait(false);
        if (attached is not null)
        {
            await attached.OnResponseAsync(request, response, cancellationToken).ConfigureAwait(false);
            if (resendable && attached.ShouldResendWithout(request, response))
            {
                // Once, bare: a stale session channel is dropped and the 402 that follows is paid afresh (never a loop).
                response.Dispose();
                _flow.RemoveCredentials(request);
                attached = null;
                response = await SendFollowingRedirectsAsync(request, options, cancellationToken).ConfigureAwait(false);
            }
        }

        if (response.StatusCode != HttpStatusCode.PaymentRequired)
        {
            if (attached?.GetOutcome(request, response) is { } paid)
            {
                request.Options.Set(MppRequestOptions.Outcome, paid);
                response.RequestMessage ??= request;
            }

            return response; // the free path: nothing else is touched (request options are allocated lazily)
        }

        if (attached is not null)
        {
            _flow.RemoveCredentials(request); // the voucher was refused: the 402 is paid afresh, never with two credentials
        }

        // An outer PaymentHandler (e.g. a default and a per-client registration) must not pay again what an inner one handled.
        if (request.GetPaymentMode() == PaymentMode.Disabled
            || (request.Options.TryGetValue(MppRequestOptions.Handled, out var handled) && handled))
        {
            return response;
        }

        request.Options.Set(MppRequestOptions.Handled, true);
        var final = await _flow.PayAsync(request, response, originalUri, (r, ct) => SendFollowingRedirectsAsync(r, _flow.Options, ct), _clientBudget, cancellationToken).ConfigureAwait(false);

        // The outcome travels in the request's options; a primary handler that does not link the response to its
        // request (custom or mocked handlers) would otherwise hide it from GetPaymentOutcome().
        final.RequestMessage ??= request;
        return final;
    }

    private async ValueTask<IPreemptivePayer?> AttachPreemptiveAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        foreach (var payer in _flow.Preemptive)
        {
            if (await payer.TryAttachAsync(request, cancellationToken).ConfigureAwait(false))
            {
                return payer;
            }
        }

        return null;
    }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpRequestMessage request, Policy.MppOptions options, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!options.FollowRedirects || !IsRedirect(response.StatusCode))
        {
            return response;
        }

        for (var hop = 0; hop < options.MaxRedirects && IsRedirect(response.StatusCode); hop++)
        {
            var location = response.Headers.Location;
            var from = request.RequestUri!;
            if (location is null)
            {
                return response;
            }

            var target = location.IsAbsoluteUri ? location : new Uri(from, location);
            if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            {
                return response;
            }

            if (from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
            {
                return response; // no downgrade, as HttpClient's own redirect handling
            }

            var status = response.StatusCode;
            Log.Redirect(_logger, (int)status, from.GetLeftPart(UriPartial.Path), target.GetLeftPart(UriPartial.Path));
            response.Dispose();

            // A credential never follows a redirect, whatever the target's origin.
            _flow.RemoveCredentials(request);
            request.Headers.Authorization = null;
            if (status == HttpStatusCode.SeeOther ? request.Method != HttpMethod.Head
                : (status is HttpStatusCode.Moved or HttpStatusCode.Found) && request.Method == HttpMethod.Post)
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
                request.Headers.TransferEncodingChunked = false;
            }

            request.RequestUri = target;
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.MultipleChoices;
}
