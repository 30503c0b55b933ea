using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// Issues a route's challenges: one per offered price, whose request the method's verifier writes (a fresh one each
/// time), HMAC-bound to the realm, expiry, digest, header and the <c>opaque</c> route and price.
/// </summary>
internal sealed class ChallengeIssuer(ServerState state)
{
    /// <summary>Issues the challenges for one answer of <paramref name="route"/>.</summary>
    /// <param name="route">The paid route.</param>
    /// <param name="body">The request body (bound by a digest when the route requires it).</param>
    /// <param name="httpMethod">The request's HTTP method, or <see langword="null"/> outside HTTP.</param>
    /// <param name="acceptPayment">The request's <c>Accept-Payment</c>, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the verifiers' request writing.</param>
    /// <exception cref="InvalidOperationException">A verifier wrote a request that is not a JSON object.</exception>
    public async Task<IReadOnlyList<Challenge>> IssueAsync(
        PaidRoute route,
        ReadOnlyMemory<byte> body,
        string? httpMethod,
        string? acceptPayment,
        CancellationToken cancellationToken)
    {
        var now = state.TimeProvider.GetUtcNow();
        var expires = now + (route.Options.ChallengeLifetime ?? state.ChallengeLifetime);
        expires = new DateTimeOffset(expires.UtcTicks - (expires.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var digest = route.RequiresDigest(httpMethod, body.Length) ? ContentDigest.ComputeSha256(body.Span) : null;
        var offers = route.Options.HonorAcceptPayment ? AcceptPaymentOrder.Apply(route.Offers, acceptPayment) : route.Offers;
        var challenges = new List<Challenge>(offers.Count);
        foreach (var offer in offers)
        {
            var price = offer.Price;
            var request = offer.Request;
            if (state.Verifiers.TryGetValue(price.Method, out var verifier))
            {
                request = await verifier.CreateRequestAsync(new ChallengeRequestContext(route.Path, price, request, expires), cancellationToken).ConfigureAwait(false);
                if (request.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidOperationException($"The verifier of method '{price.Method}' wrote a request that is not a JSON object.");
                }
            }

            var opaque = OpaqueBinding.Encode(route.Path, offer.Fingerprint, price.Opaque);
            var unsigned = Challenge.Create("unsigned", state.Realm, price.Method, price.Intent, request, expires, price.Description, digest, opaque, price.Header);
            challenges.Add(unsigned.WithId(ChallengeId.Compute(state.Secret, unsigned)));
        }

        state.CountChallenges(challenges.Count);
        return challenges;
    }
}
