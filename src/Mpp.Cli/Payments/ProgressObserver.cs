using Mpp.Cli.Output;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Cli.Payments;

/// <summary>
/// Feeds the spinner shown on a terminal while a request is in flight: the 402, then "paying … — waiting for the
/// server" while the credential is out (a push payment waits for its chain confirmation there).
/// </summary>
internal sealed class ProgressObserver : IPaymentObserver
{
    public Action<string>? Report { get; set; }

    public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken)
    {
        Report?.Invoke($"402 Payment Required: choosing among {challenges.Count} challenge(s)…");
        return default;
    }

    public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken)
    {
        Report?.Invoke($"paying {Words.Money(quote)} with {quote.Method}/{quote.Intent} — waiting for the server to confirm…");
        return default;
    }
}
