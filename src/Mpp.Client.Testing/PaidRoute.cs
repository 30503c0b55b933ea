using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;
using Mpp.Client.Testing.Internal;

namespace Mpp.Client.Testing;

/// <summary>A priced route of an <see cref="MppTestServer"/>, returned by <c>MapPaid</c>; its counters are thread-safe.</summary>
public sealed class PaidRoute
{
    private int _executions;
    private int _forcedVerificationAttempts;
    private int _forcedStatusAttempts;

    internal PaidRoute(string path, PaidRouteOptions options)
    {
        Path = path;
        Options = options;
        Prices = [.. options.Prices];
        Offers = [.. Prices.Select(OfferedPrice.Create)];
    }

    /// <summary>The route path, e.g. <c>/paid</c>.</summary>
    public string Path { get; }

    /// <summary>The route's options, as mapped.</summary>
    public PaidRouteOptions Options { get; }

    /// <summary>The prices offered, in server preference order (a snapshot of <see cref="PaidRouteOptions.Prices"/>).</summary>
    public IReadOnlyList<PriceOption> Prices { get; }

    /// <summary>
    /// How many times the route's paid operation ran (its side effect): idempotent replays and refused payments do not count.
    /// </summary>
    public int ExecutionCount => Volatile.Read(ref _executions);

    internal IReadOnlyList<OfferedPrice> Offers { get; }

    internal ConcurrentDictionary<string, IdempotencyEntry> Idempotency { get; } = new(StringComparer.Ordinal);

    internal bool AllowsMethod(string httpMethod) =>
        Options.HttpMethods is null || Options.HttpMethods.Any(m => string.Equals(m, httpMethod, StringComparison.OrdinalIgnoreCase));

    internal bool TakeForcedVerificationFailure() =>
        Options.ForcedVerificationFailures > 0 && Interlocked.Increment(ref _forcedVerificationAttempts) <= Options.ForcedVerificationFailures;

    internal bool TakeForcedStatus() =>
        Options.ForcedStatusAttempts > 0 && Interlocked.Increment(ref _forcedStatusAttempts) <= Options.ForcedStatusAttempts;

    internal void CountExecution() => Interlocked.Increment(ref _executions);

    /// <summary>The price an echoed, authenticated challenge was issued for on this route, or <see langword="null"/>.</summary>
    internal OfferedPrice? FindOffer(Challenge challenge)
    {
        foreach (var offer in Offers)
        {
            if (offer.Matches(challenge, Path))
            {
                return offer;
            }
        }

        return null;
    }

    /// <summary>True when a challenge for this request must bind its body (<see cref="PaidRouteOptions.DigestBinding"/>).</summary>
    internal bool RequiresDigest(string? httpMethod, int bodyLength) =>
        Options.DigestBinding
        && (bodyLength > 0 || (httpMethod is not null && (HttpMethods.IsPost(httpMethod) || HttpMethods.IsPut(httpMethod) || HttpMethods.IsPatch(httpMethod))));

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {string.Join(" | ", Prices)}";
}
