using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing;

/// <summary>Registers the tempo verifier on an <see cref="MppTestServer"/>'s options.</summary>
public static class TempoTestServerOptionsExtensions
{
    /// <summary>
    /// Adds a <see cref="TempoTestVerifier"/> settling on <paramref name="chain"/> as the server's <c>tempo</c> method, or
    /// replaces the one it had (as <see cref="MppTestServerOptions.AddVerifier(ITestPaymentVerifier)"/> does). Construct
    /// the verifier yourself and pass it to <c>AddVerifier</c> to read its <see cref="TempoTestVerifier.Settlements"/>.
    /// </summary>
    /// <param name="options">The server options.</param>
    /// <param name="chain">The fake chain the verifier broadcasts to and reads receipts from.</param>
    /// <param name="verifierOptions">The verifier's settings, or null for the defaults.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static MppTestServerOptions AddTempoVerifier(this MppTestServerOptions options, FakeTempoChain chain, TempoTestVerifierOptions? verifierOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddVerifier(new TempoTestVerifier(chain, verifierOptions));
    }
}
