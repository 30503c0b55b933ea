using Mpp.Client.Testing;

namespace Mpp.Client.X402.Testing;

/// <summary>Options of an <see cref="X402TestServer"/>.</summary>
public sealed class X402TestServerOptions
{
    /// <summary>The clock the authorizations' validity windows are checked against (a fake one in tests of expiry).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The MPP server whose challenges routes with <see cref="X402TestRoute.MppPrice"/> also offer, and which judges their
    /// <c>Authorization: Payment</c> credentials; the caller starts and disposes it. Null: no route can offer MPP.
    /// </summary>
    public MppTestServer? Mpp { get; set; }
}
