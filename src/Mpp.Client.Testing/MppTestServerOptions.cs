using System.Security.Cryptography;
using Mpp.Client.Protocol;
using Mpp.Client.Testing.Internal;

namespace Mpp.Client.Testing;

/// <summary>Settings of an <see cref="MppTestServer"/>; every value has a usable default.</summary>
public sealed class MppTestServerOptions
{
    /// <summary>The token the built-in <c>test</c> payment method accepts, unless <see cref="TestToken"/> says otherwise.</summary>
    public const string DefaultTestToken = "valid-test-token";

    /// <summary>The default <see cref="Realm"/>.</summary>
    public const string DefaultRealm = "mpp-test";

    /// <summary>
    /// The HMAC-SHA256 key that binds challenge ids (at least <see cref="ChallengeId.MinimumSecretLength"/> bytes).
    /// Default: 32 random bytes, new for each options instance.
    /// </summary>
    public ReadOnlyMemory<byte> SecretKey { get; set; } = RandomNumberGenerator.GetBytes(ChallengeId.MinimumSecretLength);

    /// <summary>The <c>realm</c> of every challenge. Default <c>mpp-test</c>.</summary>
    public string Realm { get; set; } = DefaultRealm;

    /// <summary>The clock for challenge expiry and receipt timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long a challenge stays payable (its <c>expires</c> is issue time plus this). Default 5 minutes.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many requests <see cref="MppTestServer.Requests"/> keeps (the oldest are dropped), so that long runs such as
    /// benchmarks do not grow without bound. Default 10,000.
    /// </summary>
    public int MaxRecordedRequests { get; set; } = 10_000;

    /// <summary>The token the built-in <c>test</c> method accepts in <c>{"token": "..."}</c>. Default <see cref="DefaultTestToken"/>.</summary>
    public string TestToken { get; set; } = DefaultTestToken;

    /// <summary>The verifiers added with <c>AddVerifier</c>, by method.</summary>
    internal Dictionary<string, ITestPaymentVerifier> AddedVerifiers { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds the verifier of a payment method, or replaces the one the method had (the built-in <c>test</c> verifier,
    /// which accepts <see cref="TestToken"/>, is registered by default). A credential for a method without a verifier
    /// fails with <c>verification-failed</c>, and its challenges carry the price's request.
    /// </summary>
    /// <param name="verifier">The verifier; its <see cref="ITestPaymentVerifier.Method"/> is read once, here.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException">The verifier's method is empty.</exception>
    public MppTestServerOptions AddVerifier(ITestPaymentVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        var method = verifier.Method;
        ArgumentException.ThrowIfNullOrEmpty(method, nameof(verifier));
        AddedVerifiers[method] = verifier;
        return this;
    }

    /// <summary>
    /// Adds a synchronous verifier for <paramref name="method"/>, or replaces the one it had: its challenges carry the
    /// price's request, and <paramref name="verify"/> decides each credential. Implement <see cref="ITestPaymentVerifier"/>
    /// to write requests per challenge or to await.
    /// </summary>
    /// <param name="method">The payment method identifier, e.g. <c>tempo</c>.</param>
    /// <param name="verify">Decides whether a credential pays its challenge.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="method"/> is empty.</exception>
    public MppTestServerOptions AddVerifier(string method, Func<Credential, PaymentVerificationResult> verify)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(verify);
        return AddVerifier(new DelegateVerifier(method, verify));
    }

    internal void Validate()
    {
        if (SecretKey.Length < ChallengeId.MinimumSecretLength)
        {
            throw new ArgumentException($"The secret key must be at least {ChallengeId.MinimumSecretLength} bytes.", nameof(SecretKey));
        }

        ArgumentNullException.ThrowIfNull(Realm, nameof(Realm));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentException.ThrowIfNullOrEmpty(TestToken, nameof(TestToken));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRecordedRequests);
        if (ChallengeLifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ChallengeLifetime), ChallengeLifetime, "The challenge lifetime must be positive.");
        }
    }
}
