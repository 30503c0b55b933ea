namespace Mpp.Client.Stripe.Issuing;

/// <summary>The mode a Stripe key's prefix says (<c>sk_test_</c>/<c>rk_test_</c> test, <c>sk_live_</c>/<c>rk_live_</c> live).</summary>
internal static class StripeKeyMode
{
    /// <summary>True for a live key, false for a test key, null for anything else.</summary>
    public static bool? IsLive(string key) =>
        key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal) ? true
        : key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("rk_test_", StringComparison.Ordinal) ? false
        : null;
}
