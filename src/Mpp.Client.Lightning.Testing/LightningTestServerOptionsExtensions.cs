using Mpp.Client.Testing;

namespace Mpp.Client.Lightning.Testing;

/// <summary>Registers the lightning verifier on an <see cref="MppTestServer"/>'s options.</summary>
public static class LightningTestServerOptionsExtensions
{
    /// <summary>
    /// Adds a <see cref="LightningTestVerifier"/> issuing regtest invoices payable on <paramref name="node"/> as the
    /// server's <c>lightning</c> method, or replaces the one it had.
    /// </summary>
    /// <param name="options">The server options (their <see cref="MppTestServerOptions.TimeProvider"/> dates the invoices).</param>
    /// <param name="node">The fake node.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static MppTestServerOptions AddLightningVerifier(this MppTestServerOptions options, FakeLndNode node)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddVerifier(new LightningTestVerifier(node, options.TimeProvider));
    }
}
