using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mpp.Client.Lightning.Lnd;

/// <summary>
/// The LND node's own TLS certificate (its self-signed <c>tls.cert</c>), the only one the node client accepts: the
/// certificate presented must be byte-for-byte this one; the system's trust store and the host name play no part (LND
/// users pin the certificate, as lncli does).
/// </summary>
internal sealed class LndCertificatePin
{
    private readonly byte[] _raw;

    private LndCertificatePin(byte[] raw) => _raw = raw;

    /// <exception cref="InvalidOperationException">The certificate cannot be read (the message names no secret).</exception>
    public static LndCertificatePin Load(LndOptions options)
    {
        try
        {
            using var certificate = options.TlsCert is { Length: > 0 } pem
                ? X509Certificate2.CreateFromPem(pem)
                : FromFile(options.TlsCertPath ?? throw new InvalidOperationException("No TLS certificate is configured for the LND node."));
            return new LndCertificatePin(certificate.RawData);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"The LND node's TLS certificate cannot be read ({e.GetType().Name}).", e);
        }
    }

    public SocketsHttpHandler CreateHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = Validate },
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(_raw);

    private static X509Certificate2 FromFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(bytes);
    }
}
