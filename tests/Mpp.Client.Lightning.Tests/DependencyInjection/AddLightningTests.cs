using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Lightning.Nodes;
using Mpp.Client.Lightning.Testing;
using Mpp.Client.Lightning.Tests.Support;

namespace Mpp.Client.Lightning.Tests.DependencyInjection;

/// <summary><c>AddLightning()</c>: settings checked at once, secrets never repeated, logged or put in messages; a custom node.</summary>
public sealed class AddLightningTests
{
    [Fact]
    public async Task Every_configuration_problem_is_listed_at_once_and_no_secret_is_repeated()
    {
        await using var h = await LightningHarness.StartAsync();
        using var provider = h.Payer(new()
        {
            ["Mpp:Lightning:Netwrk"] = "typo",
            ["Mpp:Lightning:Network"] = "moonnet",
            ["Mpp:Lightning:MaxFeeSat"] = "-1",
            ["Mpp:Lightning:AllowedPayees:0"] = "SECRETnotakey",
            ["Mpp:Lightning:PaymentTimeout"] = "00:00:00",
            ["Mpp:Lightning:Lnd:RestUrl"] = "http://127.0.0.1:8080",
            ["Mpp:Lightning:Lnd:Macaroon"] = "SECRETMACAROONzz",
            ["Mpp:Lightning:Lnd:TlsCert"] = "-----BEGIN CERTIFICATE-----\nSECRET\n-----END CERTIFICATE-----",
            ["Mpp:Lightning:Lnd:Grpc"] = "x",
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient());

        var failures = string.Join("\n", e.Failures);
        Assert.Contains("Mpp:Lightning:Netwrk is not a Lightning setting", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:Lnd:Grpc is not a Lightning setting", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:Network", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:MaxFeeSat", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:AllowedPayees", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:PaymentTimeout", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:Lnd:RestUrl", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:Lnd:Macaroon is not hex", failures, StringComparison.Ordinal);
        Assert.Contains("Mpp:Lightning:Lnd:TlsCert", failures, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETMACAROON", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET\n", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_macaroon_file_and_a_certificate_file_work_like_the_inline_values()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        var dir = Directory.CreateTempSubdirectory("mpp-lnd-");
        try
        {
            var macaroon = Path.Combine(dir.FullName, "pay.macaroon");
            var cert = Path.Combine(dir.FullName, "tls.cert");
            await File.WriteAllBytesAsync(macaroon, Convert.FromHexString(h.Node.MacaroonHex));
            await File.WriteAllTextAsync(cert, h.Node.CertificatePem);
            using var provider = h.Payer(new()
            {
                ["Mpp:Lightning:Lnd:Macaroon"] = null,
                ["Mpp:Lightning:Lnd:TlsCert"] = null,
                ["Mpp:Lightning:Lnd:MacaroonPath"] = macaroon,
                ["Mpp:Lightning:Lnd:TlsCertPath"] = cert,
            });
            using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

            using var response = await http.GetAsync(h.Server.Url("/x"));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Neither_the_macaroon_nor_the_preimage_is_logged_or_put_in_a_message()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/ok", LightningHarness.Price("100"));
        h.Server.MapPaid("/fails", LightningHarness.Price("100"));
        var logs = new FakeLogCollector();
        using var provider = h.Payer(services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace)));
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var ok = await http.GetAsync(h.Server.Url("/ok"));
        h.Node.FailNext(FakeLndFailure.DropBeforePaying);
        using var fails = await http.GetAsync(h.Server.Url("/fails"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(PaymentStatus.Unknown, fails.GetPaymentOutcome()!.Status);
        var preimages = h.Server.Payments.Select(p => p.Reference).ToList(); // payment hashes: public
        var all = string.Join("\n", logs.GetSnapshot().Select(r => r.Message + " " + r.Exception))
            + ok.GetPaymentOutcome() + fails.GetPaymentOutcome() + fails.GetPaymentOutcome()!.MethodError + fails.GetPaymentOutcome()!.MethodError?.InnerException;
        Assert.Contains(preimages[0], all, StringComparison.Ordinal); // the payment hash is logged, so the log is really captured
        Assert.DoesNotContain(h.Node.MacaroonHex, all, StringComparison.OrdinalIgnoreCase);
        foreach (var preimage in h.Node.Preimages)
        {
            Assert.DoesNotContain(preimage, all, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_custom_node_pays_and_Lnd_settings_beside_it_are_a_start_error()
    {
        await using var h = await LightningHarness.StartAsync();
        h.Server.MapPaid("/x", LightningHarness.Price("100"));
        var node = new RecordingNode(h);
        var none = new Dictionary<string, string?> { ["Mpp:Lightning:Lnd:RestUrl"] = null, ["Mpp:Lightning:Lnd:Macaroon"] = null, ["Mpp:Lightning:Lnd:TlsCert"] = null };
        using (var provider = h.Payer(none, add: b => b.AddLightning(node)))
        {
            using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient();
            using var response = await http.GetAsync(h.Server.Url("/x"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(1, node.Pays);
        }

        using var both = h.Payer(add: b => b.AddLightning(node));
        var e = Assert.Throws<OptionsValidationException>(() => both.GetRequiredService<IHttpClientFactory>().CreateClient());
        Assert.Contains("ILightningNode is registered", string.Join("\n", e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ToString_hides_the_macaroon()
    {
        var options = new LightningOptions();
        options.Lnd.Macaroon = "0201HIDDEN";
        Assert.DoesNotContain("HIDDEN", options.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A node of the user's own that pays through the fake LND node's REST interface over the kit's adapter.</summary>
    private sealed class RecordingNode(LightningHarness h) : ILightningNode
    {
        private readonly Lnd.LndRestNode _inner = new(h.Node.RestUrl, h.Node.MacaroonHex, () => new HttpClient(Lnd.LndCertificatePin.Load(new LndOptions { TlsCert = h.Node.CertificatePem }).CreateHandler()), TimeSpan.FromSeconds(30));

        public int Pays { get; private set; }

        public ValueTask<LightningPayment> PayAsync(string invoice, long maxFeeSat, CancellationToken cancellationToken)
        {
            Pays++;
            return _inner.PayAsync(invoice, maxFeeSat, cancellationToken);
        }

        public ValueTask<LightningPayment?> LookupAsync(string paymentHash, CancellationToken cancellationToken) => _inner.LookupAsync(paymentHash, cancellationToken);
    }
}
