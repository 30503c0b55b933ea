using Mpp.Client.Testing;

namespace Mpp.Client.Stripe.Testing;

/// <summary>Registers the stripe verifier on an <see cref="MppTestServer"/>'s options.</summary>
public static class StripeTestServerOptionsExtensions
{
    /// <summary>
    /// Adds a <see cref="StripeTestVerifier"/> redeeming tokens on <paramref name="stripe"/> as the server's <c>stripe</c>
    /// method, or replaces the one it had.
    /// </summary>
    /// <param name="options">The server options.</param>
    /// <param name="stripe">The fake Stripe.</param>
    /// <param name="paymentMethodTypes">The payment method types challenges offer; <c>card</c> by default.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static MppTestServerOptions AddStripeVerifier(this MppTestServerOptions options, FakeStripe stripe, IEnumerable<string>? paymentMethodTypes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddVerifier(new StripeTestVerifier(stripe, paymentMethodTypes));
    }
}
