namespace Mpp.Client.Payments;

/// <summary>
/// Awaits a call into an extension (a wallet's <c>ReadTermsAsync</c>, an approver) that may ignore its cancellation
/// token: the caller's cancellation ends the wait even then, so a hung extension never hangs the caller.
/// </summary>
internal static class ExtensionCall
{
    public static ValueTask<T> WaitAsync<T>(ValueTask<T> call, CancellationToken cancellationToken) =>
        call.IsCompleted || !cancellationToken.CanBeCanceled ? call : new(WaitCoreAsync(call.AsTask(), cancellationToken));

    public static ValueTask WaitAsync(ValueTask call, CancellationToken cancellationToken) =>
        call.IsCompleted || !cancellationToken.CanBeCanceled ? call : new(WaitCoreAsync(call.AsTask(), cancellationToken));

    private static async Task WaitCoreAsync(Task task, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            ObserveAbandoned(task);
            throw;
        }
    }

    private static async Task<T> WaitCoreAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            ObserveAbandoned(task);
            throw;
        }
    }

    /// <summary>Abandoned: its eventual failure is observed, so that it is never reported as an unobserved exception.</summary>
    private static void ObserveAbandoned(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
