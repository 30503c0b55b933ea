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
    // Used challenge ids with their expiry (draft-httpauth-payment: a server keeps used ids at least while the challenge is
    // valid; an expired challenge is refused before this set is read). Pruned now and then so a long-running server does
    // not grow without bound.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _consumedIds = new(StringComparer.Ordinal);
    private int _consumedSincePrune;
    private int _keysSincePrune;
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

    /// <summary>How long past its expiry a used id is still kept: longer than any verification between its expiry check and its consume step.</summary>
    public static readonly TimeSpan ConsumedIdGrace = TimeSpan.FromMinutes(5);

    /// <summary>How many consume steps between two prunings of the used ids.</summary>
    public const int PruneEvery = 4096;

    /// <summary>How many used challenge ids are kept.</summary>
    public int ConsumedIdCount => _consumedIds.Count;

    /// <summary>Marks a challenge id used; true for exactly one caller per id (the atomic consume step).</summary>
    /// <param name="challengeId">The challenge's id.</param>
    /// <param name="expiresAt">The challenge's expiry; null keeps the id for the server's lifetime.</param>
    public bool TryConsume(string challengeId, DateTimeOffset? expiresAt)
    {
        if (!_consumedIds.TryAdd(challengeId, expiresAt ?? DateTimeOffset.MaxValue))
        {
            return false;
        }

        if (Interlocked.Increment(ref _consumedSincePrune) % PruneEvery == 0)
        {
            PruneConsumed();
        }

        return true;
    }

    /// <summary>Counts a new <c>Idempotency-Key</c> entry of a paid route; every <see cref="PruneEvery"/> of them prunes.</summary>
    public void NoteIdempotencyKey()
    {
        if (Interlocked.Increment(ref _keysSincePrune) % PruneEvery == 0)
        {
            PruneConsumed();
        }
    }

    /// <summary>
    /// Forgets used ids, and idempotency entries no request is using, whose challenges expired more than
    /// <see cref="ConsumedIdGrace"/> ago: a credential for them is refused as expired.
    /// </summary>
    public void PruneConsumed()
    {
        var horizon = TimeProvider.GetUtcNow() - ConsumedIdGrace;
        foreach (var (id, expiresAt) in _consumedIds)
        {
            if (expiresAt < horizon)
            {
                _consumedIds.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, expiresAt));
            }
        }

        foreach (var route in Routes.Values)
        {
            if (route.Paid is not { } paid)
            {
                continue;
            }

            foreach (var (key, entry) in paid.Idempotency)
            {
                if (entry.LatestExpiry < horizon && entry.Gate.CurrentCount == 1)
                {
                    paid.Idempotency.TryRemove(new KeyValuePair<string, IdempotencyEntry>(key, entry));
                }
            }
        }
    }

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
