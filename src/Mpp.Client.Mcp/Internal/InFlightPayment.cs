using ModelContextProtocol.Protocol;

namespace Mpp.Client.Mcp.Internal;

/// <summary>A payment under way for one request: cancelled by the caller's <c>notifications/cancelled</c> or the session closing.</summary>
internal sealed class InFlightPayment(CancellationToken closing) : IDisposable
{
    private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(closing);

    public CancellationToken Token => _cts.Token;

    /// <summary>The id of the resend carrying the credential, once sent.</summary>
    public RequestId? ResendId { get; set; }

    public async Task CancelAsync()
    {
        try
        {
            await _cts.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // the payment already finished
        }
    }

    public void Dispose() => _cts.Dispose();
}
