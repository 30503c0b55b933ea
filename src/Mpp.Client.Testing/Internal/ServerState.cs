using System.Collections.Concurrent;
using System.Numerics;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>Everything an <see cref="MppTestServer"/> knows and counts; every member is safe to use concurrently.</summary>
internal sealed class ServerState
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<RecordedPayment> _payments = new();
    private readonly ConcurrentDictionary<string, byte> _consumedIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PaymentProblemType, int> _rejections = new();
    private int _challengesIssued;
    private long _paymentSequence;

    public ServerState(MppTestServerOptions options)
    {
        Secret = options.SecretKey.ToArray();
        Realm = options.Realm;
        TimeProvider = options.TimeProvider;
        ChallengeLifetime = options.ChallengeLifetime;
        MaxRecordedRequests = options.MaxRecordedRequests;
        var verifiers = new Dictionary<string, ITestPaymentVerifier>(StringComparer.Ordinal)
        {
            [PriceOption.TestMethod] = new TestMethodVerifier(options.TestToken),
        };
        foreach (var (method, verifier) in options.AddedVerifiers)
        {
            verifiers[method] = verifier;
        }

        Verifiers = verifiers;
    }

    public byte[] Secret { get; }

    public string Realm { get; }

    public TimeProvider TimeProvider { get; }

    public TimeSpan ChallengeLifetime { get; }

    /// <summary>The verifier of each method: the built-in <c>test</c> one unless replaced, and those added.</summary>
    public IReadOnlyDictionary<string, ITestPaymentVerifier> Verifiers { get; }

    public ConcurrentDictionary<string, RouteEntry> Routes { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public IReadOnlyList<RecordedPayment> Payments => [.. _payments];

    public int ChallengesIssued => Volatile.Read(ref _challengesIssued);

    public IReadOnlyDictionary<PaymentProblemType, int> Rejections => new Dictionary<PaymentProblemType, int>(_rejections);

    public int MaxRecordedRequests { get; }

    public void Record(RecordedRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > MaxRecordedRequests && _requests.TryDequeue(out _))
        {
        }
    }

    public void CountChallenges(int count) => Interlocked.Add(ref _challengesIssued, count);

    public void CountRejection(PaymentProblemType type) => _rejections.AddOrUpdate(type, 1, static (_, n) => n + 1);

    /// <summary>Marks a challenge id used; true for exactly one caller per id (the atomic consume step).</summary>
    public bool TryConsume(string challengeId) => _consumedIds.TryAdd(challengeId, 0);

    /// <summary>True when a challenge id has been used up.</summary>
    public bool IsConsumed(string challengeId) => _consumedIds.ContainsKey(challengeId);

    public long NextPaymentNumber() => Interlocked.Increment(ref _paymentSequence);

    public void RecordPayment(RecordedPayment payment) => _payments.Enqueue(payment);

    public BigInteger SettledTotal(string currency)
    {
        var total = BigInteger.Zero;
        foreach (var p in _payments)
        {
            if (string.Equals(p.Currency, currency, StringComparison.OrdinalIgnoreCase) && PaymentTerms.TryParseAmount(p.Amount, out var amount))
            {
                total += amount;
            }
        }

        return total;
    }
}
