using System.Collections.Concurrent;
using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Testing.Internal;

namespace Mpp.Client.Testing;

/// <summary>
/// The payer side of the <c>test</c> payment method that <see cref="MppTestServer"/> accepts: its payload is
/// <c>{"token": "&lt;token&gt;"}</c>. It counts the payloads it creates, so tests can assert that nothing was paid twice.
/// </summary>
public sealed class TestPaymentMethod : IPaymentMethod
{
    private readonly ConcurrentQueue<PaymentQuote> _quotes = new();
    private readonly JsonElement _payload;
    private readonly JsonElement? _source;
    private int _payloadsCreated;

    /// <summary>Creates the method with the token it sends.</summary>
    /// <param name="token">The token; the server accepts <see cref="MppTestServerOptions.TestToken"/>. Default <c>valid-test-token</c>.</param>
    /// <param name="source">The payer identifier sent as the credential <c>source</c>, or <see langword="null"/> for none.</param>
    public TestPaymentMethod(string token = MppTestServerOptions.DefaultTestToken, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(token);
        Token = token;
        _payload = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["token"] = token }, TestingJsonContext.Default.DictionaryStringString);
        _source = source is null ? null : JsonSerializer.SerializeToElement(source, TestingJsonContext.Default.String);
    }

    /// <summary>The token sent in every payload.</summary>
    public string Token { get; }

    /// <summary>Always <c>test</c>.</summary>
    public string Method => PriceOption.TestMethod;

    /// <summary>Always <c>charge</c>.</summary>
    public IReadOnlyCollection<string> Intents { get; } = ["charge"];

    /// <summary>How many payloads (that is, payments) this method has created.</summary>
    public int PayloadsCreated => Volatile.Read(ref _payloadsCreated);

    /// <summary>The quotes it was asked to pay, in order (a snapshot).</summary>
    public IReadOnlyList<PaymentQuote> Quotes => [.. _quotes];

    /// <summary>How many of the latest quotes <see cref="Quotes"/> keeps (default 1,000), so long runs do not grow without bound.</summary>
    public int MaxQuotes { get; init; } = 1_000;

    /// <summary>
    /// Runs before each payload is created, e.g. to delay (to widen a race), to throw (to simulate a wallet failure), or to
    /// act like a wallet that moves funds itself (<see cref="PaymentAttempt.MarkFundsMovingAsync"/>,
    /// <see cref="PaymentAttempt.ReportActualFee"/>); a throw means no payload was created and nothing is counted here.
    /// </summary>
    public Func<PaymentAttempt, CancellationToken, ValueTask>? OnCreatePayload { get; init; }

    /// <inheritdoc />
    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        cancellationToken.ThrowIfCancellationRequested();
        var quote = attempt.Quote;
        if (OnCreatePayload is { } hook)
        {
            await hook(attempt, cancellationToken).ConfigureAwait(false);
        }

        _quotes.Enqueue(quote);
        while (_quotes.Count > MaxQuotes && _quotes.TryDequeue(out _))
        {
        }

        Interlocked.Increment(ref _payloadsCreated);
        return new PaymentPayload(_payload, _source) { WalletReference = attempt.WalletReference };
    }
}
