using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;
using Mpp.Cli.Output;

namespace Mpp.Cli.Payments;

/// <summary>
/// <c>-v</c>: the 402's challenges, the one chosen, and the receipt, on stderr. Only what the observer contract carries —
/// quotes, challenges and receipts — is printed; the credential never reaches an observer.
/// </summary>
internal sealed class VerboseObserver(TextWriter error) : IPaymentObserver
{
    public ValueTask OnChallengeReceivedAsync(Uri requestUri, IReadOnlyList<Challenge> challenges, CancellationToken cancellationToken)
    {
        error.WriteLine($"< 402 Payment Required with {challenges.Count} challenge(s)");
        foreach (var c in challenges)
        {
            error.WriteLine($"<   {c.Method}/{c.Intent} id={c.Id}{(c.Expires is { } e ? " expires=" + e : string.Empty)}");
        }

        return default;
    }

    public ValueTask OnCredentialCreatedAsync(PaymentQuote quote, CancellationToken cancellationToken)
    {
        error.WriteLine($"* paying {Words.Money(quote)} with {quote.Method}/{quote.Intent} to {quote.Recipient ?? "(the server)"} (challenge {quote.Challenge.Id})");
        return default;
    }

    public ValueTask OnPaymentSucceededAsync(PaymentQuote quote, PaymentReceipt? receipt, CancellationToken cancellationToken)
    {
        error.WriteLine(receipt is null
            ? "* paid; the server sent no receipt"
            : $"* receipt: {receipt.Status} {receipt.Method} reference={receipt.Reference} at {receipt.Timestamp}");
        return default;
    }

    public ValueTask OnPaymentFailedAsync(PaymentOutcome outcome, CancellationToken cancellationToken)
    {
        foreach (var r in outcome.Rejections)
        {
            error.WriteLine($"*   passed over {r.Method ?? "?"}/{r.Intent ?? "?"}: {r.Code}: {r.Reason}");
        }

        return default;
    }
}
