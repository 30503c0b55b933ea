using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mpp.Client.Lightning.Invoices;
using Mpp.Client.Testing.Hosting;

namespace Mpp.Client.Lightning.Testing;

/// <summary>
/// A fake LND node's REST interface on a real Kestrel server on 127.0.0.1 over HTTPS, with a self-signed certificate
/// generated per instance (<see cref="CertificatePem"/>, to be pinned) and a random macaroon
/// (<see cref="MacaroonHex"/>) checked on every request. <c>POST /v2/router/send</c> validates its JSON body and
/// settles the invoices it was given (<see cref="AddInvoice"/>) by streaming back their preimage with
/// <see cref="RoutingFeeMsat"/> as fee; an invoice paid before is refused ("invoice is already paid"); one it does not
/// know fails with incorrect payment details. <c>GET /v2/router/track/{hash}</c> reports a payment or 404 "payment
/// isn't initiated". <see cref="FailNext"/> makes the next payment fail in a chosen way; every pay attempt and look-up
/// is recorded.
/// </summary>
public sealed class FakeLndNode : IAsyncDisposable
{
    private const string InFlight = "IN_FLIGHT";
    private readonly object _gate = new();
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly Dictionary<string, (string Invoice, byte[] Preimage)> _invoices = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Succeeded, long FeeMsat, string? Reason)> _payments = new(StringComparer.Ordinal);
    private readonly List<FakeLndPayAttempt> _attempts = [];
    private readonly Queue<FakeLndFailure> _failures = new();
    private int _lookups;
    private int _rejected;

    private FakeLndNode(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
        MacaroonHex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        CertificatePem = certificate.ExportCertificatePem();
    }

    /// <summary>The REST address, <c>https://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri RestUrl { get; private set; } = null!;

    /// <summary>The node's certificate (PEM), to pin.</summary>
    public string CertificatePem { get; }

    /// <summary>The macaroon the node accepts, as hex. A secret, as a real one would be.</summary>
    public string MacaroonHex { get; }

    /// <summary>The routing fee every successful payment reports, in millisatoshis (1000 by default).</summary>
    public long RoutingFeeMsat { get; set; } = 1000;

    /// <summary>The pay attempts received so far (bodies valid, macaroon right), in order.</summary>
    public IReadOnlyList<FakeLndPayAttempt> PayAttempts
    {
        get { lock (_gate) { return [.. _attempts]; } }
    }

    /// <summary>The preimages of the invoices the node knows (lowercase hex), e.g. to check they never reach a log.</summary>
    public IReadOnlyList<string> Preimages
    {
        get { lock (_gate) { return [.. _invoices.Values.Select(i => Convert.ToHexStringLower(i.Preimage))]; } }
    }

    /// <summary>How many look-ups (<c>track</c>) were received.</summary>
    public int LookupCount
    {
        get { lock (_gate) { return _lookups; } }
    }

    /// <summary>How many requests were refused for a wrong macaroon or an invalid body.</summary>
    public int RejectedCount
    {
        get { lock (_gate) { return _rejected; } }
    }

    /// <summary>Starts a node on a free loopback port.</summary>
    public static async Task<FakeLndNode> StartAsync(CancellationToken cancellationToken = default)
    {
        var certificate = CreateCertificate();
        var app = LoopbackHost.Create(certificate: certificate);
        var node = new FakeLndNode(app, certificate);
        app.Run(node.RouteAsync);
        node.RestUrl = await LoopbackHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
        return node;
    }

    /// <summary>Points <paramref name="options"/> at this node: REST address, macaroon and pinned certificate.</summary>
    public void Configure(LightningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Lnd.RestUrl = RestUrl.ToString();
        options.Lnd.Macaroon = MacaroonHex;
        options.Lnd.TlsCert = CertificatePem;
        options.Lnd.MacaroonPath = null;
        options.Lnd.TlsCertPath = null;
    }

    /// <summary>Makes the node able to pay <paramref name="invoice"/>: paying it returns <paramref name="preimage"/>.</summary>
    public void AddInvoice(string invoice, ReadOnlySpan<byte> preimage)
    {
        var decoded = Bolt11Invoice.Decode(invoice);
        if (Convert.ToHexStringLower(SHA256.HashData(preimage)) != decoded.PaymentHash)
        {
            throw new ArgumentException("The preimage does not hash to the invoice's payment hash.", nameof(preimage));
        }

        lock (_gate)
        {
            _invoices[decoded.PaymentHash] = (decoded.PaymentRequest, preimage.ToArray());
        }
    }

    /// <summary>Records <paramref name="paymentHash"/> as already paid by this node (as if an earlier run had paid it).</summary>
    public void MarkPaid(string paymentHash)
    {
        lock (_gate)
        {
            if (!_invoices.ContainsKey(paymentHash))
            {
                throw new ArgumentException("The node does not know this invoice.", nameof(paymentHash));
            }

            _payments[paymentHash] = (true, RoutingFeeMsat, null);
        }
    }

    /// <summary>Records <paramref name="paymentHash"/> as in flight at this node (HTLCs out, no outcome yet).</summary>
    public void MarkInFlight(string paymentHash)
    {
        lock (_gate)
        {
            _payments[paymentHash] = (false, 0, InFlight);
        }
    }

    /// <summary>Queues a failure for the next payment (several calls queue several).</summary>
    public void FailNext(FakeLndFailure failure)
    {
        lock (_gate)
        {
            _failures.Enqueue(failure);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
    }

    private Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (HttpMethods.IsPost(context.Request.Method) && path == "/v2/router/send")
        {
            return SendAsync(context);
        }

        if (HttpMethods.IsGet(context.Request.Method) && path.StartsWith("/v2/router/track/", StringComparison.Ordinal))
        {
            return TrackAsync(context, path["/v2/router/track/".Length..]);
        }

        return Error(context, 404, 12, "Not Found");
    }

    private async Task SendAsync(HttpContext context)
    {
        if (!Authorized(context))
        {
            await Error(context, 500, 2, "verification failed: signature mismatch after caveat verification").ConfigureAwait(false);
            return;
        }

        string invoice;
        long feeLimit;
        int timeout;
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            var root = body.RootElement;
            invoice = root.GetProperty("payment_request"u8).GetString() ?? throw new FormatException("payment_request");
            var fee = root.GetProperty("fee_limit_sat"u8);
            feeLimit = fee.ValueKind == JsonValueKind.String ? long.Parse(fee.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture) : fee.GetInt64();
            timeout = root.GetProperty("timeout_seconds"u8).GetInt32();
            if (timeout <= 0 || feeLimit < 0)
            {
                throw new FormatException("timeout_seconds must be positive and fee_limit_sat not negative");
            }

            foreach (var p in root.EnumerateObject())
            {
                if (p.Name is not ("payment_request" or "fee_limit_sat" or "timeout_seconds" or "no_inflight_updates"))
                {
                    throw new FormatException("unexpected field " + p.Name);
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            Reject();
            await Error(context, 400, 3, "invalid request: " + e.GetType().Name).ConfigureAwait(false);
            return;
        }

        Bolt11Invoice decoded;
        try
        {
            decoded = Bolt11Invoice.Decode(invoice);
        }
        catch (Bolt11FormatException e)
        {
            Reject();
            await Error(context, 500, 2, "invalid payment request: " + e.Error).ConfigureAwait(false);
            return;
        }

        var hash = decoded.PaymentHash;
        FakeLndFailure? failure = null;
        (string Invoice, byte[] Preimage) known = default;
        bool isKnown = false, alreadyPaid, inFlight = false;
        lock (_gate)
        {
            _attempts.Add(new FakeLndPayAttempt(invoice, hash, feeLimit, timeout));
            alreadyPaid = _payments.TryGetValue(hash, out var previous) && (previous.Succeeded || previous.Reason == InFlight);
            inFlight = alreadyPaid && previous.Reason == InFlight;
            if (!alreadyPaid)
            {
                failure = _failures.Count > 0 ? _failures.Dequeue() : null;
                isKnown = _invoices.TryGetValue(hash, out known);
            }
        }

        if (alreadyPaid)
        {
            await Error(context, 409, 6, inFlight ? "payment is in transition" : "invoice is already paid").ConfigureAwait(false);
            return;
        }

        switch (failure)
        {
            case FakeLndFailure.InternalError:
                await Error(context, 500, 2, "internal error").ConfigureAwait(false);
                return;
            case FakeLndFailure.DropBeforePaying:
                context.Abort();
                return;
            case FakeLndFailure.DropAfterPaying when isKnown:
                Settle(hash);
                context.Abort();
                return;
            case FakeLndFailure.NoRoute:
                await Failed(context, hash, "FAILURE_REASON_NO_ROUTE").ConfigureAwait(false);
                return;
            case FakeLndFailure.InsufficientBalance:
                await Failed(context, hash, "FAILURE_REASON_INSUFFICIENT_BALANCE").ConfigureAwait(false);
                return;
            case FakeLndFailure.Timeout:
                await Failed(context, hash, "FAILURE_REASON_TIMEOUT").ConfigureAwait(false);
                return;
            case FakeLndFailure.IncorrectPaymentDetails:
                await Failed(context, hash, "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS").ConfigureAwait(false);
                return;
        }

        if (!isKnown)
        {
            await Failed(context, hash, "FAILURE_REASON_INCORRECT_PAYMENT_DETAILS").ConfigureAwait(false);
            return;
        }

        if (RoutingFeeMsat > feeLimit * 1000)
        {
            await Failed(context, hash, "FAILURE_REASON_NO_ROUTE").ConfigureAwait(false);
            return;
        }

        Settle(hash);
        await Line(context, 200, w => WritePayment(w, hash)).ConfigureAwait(false);
    }

    private async Task TrackAsync(HttpContext context, string hash)
    {
        if (!Authorized(context))
        {
            await Error(context, 500, 2, "verification failed: signature mismatch after caveat verification").ConfigureAwait(false);
            return;
        }

        string hex;
        try
        {
            var bytes = Convert.FromBase64String(Uri.UnescapeDataString(hash).Replace('-', '+').Replace('_', '/'));
            if (bytes.Length != 32)
            {
                throw new FormatException();
            }

            hex = Convert.ToHexStringLower(bytes);
        }
        catch (FormatException)
        {
            Reject();
            await Error(context, 400, 3, "invalid payment hash").ConfigureAwait(false);
            return;
        }

        bool found;
        lock (_gate)
        {
            _lookups++;
            found = _payments.ContainsKey(hex);
        }

        if (!found)
        {
            await Error(context, 404, 5, "payment isn't initiated").ConfigureAwait(false);
            return;
        }

        await Line(context, 200, w => WritePayment(w, hex)).ConfigureAwait(false);
    }

    private void Settle(string hash)
    {
        lock (_gate)
        {
            _payments[hash] = (true, RoutingFeeMsat, null);
        }
    }

    private async Task Failed(HttpContext context, string hash, string reason)
    {
        lock (_gate)
        {
            _payments[hash] = (false, 0, reason);
        }

        await Line(context, 200, w => WritePayment(w, hash)).ConfigureAwait(false);
    }

    private void WritePayment(Utf8JsonWriter w, string hash)
    {
        (bool Succeeded, long FeeMsat, string? Reason) payment;
        (string Invoice, byte[] Preimage) invoice;
        lock (_gate)
        {
            payment = _payments[hash];
            _invoices.TryGetValue(hash, out invoice);
        }

        w.WriteStartObject("result"u8);
        w.WriteString("payment_hash"u8, hash);
        w.WriteString("payment_preimage"u8, payment.Succeeded ? Convert.ToHexStringLower(invoice.Preimage) : new string('0', 64));
        w.WriteString("fee_sat"u8, (payment.FeeMsat / 1000).ToString(CultureInfo.InvariantCulture));
        w.WriteString("fee_msat"u8, payment.FeeMsat.ToString(CultureInfo.InvariantCulture));
        w.WriteString("payment_request"u8, invoice.Invoice ?? "");
        w.WriteString("status"u8, payment.Succeeded ? "SUCCEEDED" : payment.Reason == InFlight ? "IN_FLIGHT" : "FAILED");
        w.WriteString("failure_reason"u8, payment.Reason is null or InFlight ? "FAILURE_REASON_NONE" : payment.Reason);
        w.WriteEndObject();
    }

    private bool Authorized(HttpContext context)
    {
        var ok = context.Request.Headers.TryGetValue("Grpc-Metadata-macaroon", out var value) && value.Count == 1
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(value[0] ?? ""), Encoding.ASCII.GetBytes(MacaroonHex));
        if (!ok)
        {
            Reject();
        }

        return ok;
    }

    private void Reject()
    {
        lock (_gate)
        {
            _rejected++;
        }
    }

    private static Task Error(HttpContext context, int status, int code, string message) => Line(context, status, w =>
    {
        w.WriteNumber("code"u8, code);
        w.WriteString("message"u8, message);
        w.WriteStartArray("details"u8);
        w.WriteEndArray();
    });

    private static async Task Line(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fake lnd", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        // Round-trip through PKCS#12 so that Kestrel can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
