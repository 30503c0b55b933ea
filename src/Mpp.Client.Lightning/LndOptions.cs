namespace Mpp.Client.Lightning;

/// <summary>How to reach an LND node's REST interface (<c>Mpp:Lightning:Lnd</c>).</summary>
/// <remarks><see cref="ToString"/> never shows the macaroon.</remarks>
public sealed class LndOptions
{
    /// <summary>The REST address, e.g. <c>https://127.0.0.1:8080</c> (https only).</summary>
    public string? RestUrl { get; set; }

    /// <summary>
    /// The macaroon file. Bake one with only what paying needs (<c>lncli bakemacaroon offchain:read offchain:write
    /// info:read</c>), never <c>admin.macaroon</c> in production. Set this or <see cref="Macaroon"/>.
    /// </summary>
    public string? MacaroonPath { get; set; }

    /// <summary>The macaroon as hex (from a secret store), instead of <see cref="MacaroonPath"/>.</summary>
    public string? Macaroon { get; set; }

    /// <summary>The node's TLS certificate file (LND's <c>tls.cert</c>, PEM or DER): the only certificate accepted (pinned). Set this or <see cref="TlsCert"/>.</summary>
    public string? TlsCertPath { get; set; }

    /// <summary>The node's TLS certificate as PEM text, instead of <see cref="TlsCertPath"/>.</summary>
    public string? TlsCert { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"LndOptions {{ RestUrl = {RestUrl ?? "unset"}, Macaroon = {(MacaroonPath is not null ? "file" : Macaroon is not null ? "***" : "unset")}, TlsCert = {(TlsCertPath is not null ? "file" : TlsCert is not null ? "set" : "unset")} }}";
}
