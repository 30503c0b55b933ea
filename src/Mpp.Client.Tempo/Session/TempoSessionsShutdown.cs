using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mpp.Client.Tempo.Session;

/// <summary>Closes the open channels when the host stops (<see cref="TempoSessionOptions.CloseOnShutdown"/>), within the host's shutdown time.</summary>
internal sealed partial class TempoSessionsShutdown(TempoSessions sessions, IOptions<TempoOptions> options, ILogger<TempoSessionsShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Session.CloseOnShutdown || !sessions.Enabled)
        {
            return;
        }

        try
        {
            foreach (var (channel, _, error) in await sessions.CloseAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (error is not null)
                {
                    NotClosed(logger, channel.ChannelId, error.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            NotClosed(logger, "(remaining)", "the host's shutdown time ran out");
        }
    }

    [LoggerMessage(EventId = 7304, Level = LogLevel.Warning, Message = "Channel {ChannelId} was not closed at shutdown ({Reason}); its deposit stays locked until it is closed.")]
    private static partial void NotClosed(ILogger logger, string channelId, string reason);
}
