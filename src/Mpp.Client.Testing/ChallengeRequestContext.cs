using System.Text.Json;

namespace Mpp.Client.Testing;

/// <summary>What <see cref="ITestPaymentVerifier.CreateRequestAsync"/> knows about the challenge it writes a request for.</summary>
/// <remarks>The challenge id is not known yet: it is the HMAC of the request being written.</remarks>
public sealed class ChallengeRequestContext
{
    internal ChallengeRequestContext(string path, PriceOption price, JsonElement request, DateTimeOffset expires)
    {
        Path = path;
        Price = price;
        Request = request;
        Expires = expires;
    }

    /// <summary>The path of the paid route (the resource), e.g. <c>/paid</c>.</summary>
    public string Path { get; }

    /// <summary>The price the challenge offers.</summary>
    public PriceOption Price { get; }

    /// <summary>
    /// The request built from <see cref="Price"/>: <c>{"amount", "currency", "recipient", ...ExtraRequest}</c>, what a
    /// challenge carries when its method has no verifier.
    /// </summary>
    public JsonElement Request { get; }

    /// <summary>When the challenge expires (its <c>expires</c> parameter), e.g. to give an invoice the same lifetime.</summary>
    public DateTimeOffset Expires { get; }
}
