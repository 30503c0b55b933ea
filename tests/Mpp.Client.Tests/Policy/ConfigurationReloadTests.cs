using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Mpp.Client.Diagnostics;
using Mpp.Client.Http;
using Mpp.Client.Policy;
using Mpp.Client.Testing;

namespace Mpp.Client.Tests.Policy;

/// <summary>
/// A bad live edit of appsettings.json (a real file, <c>reloadOnChange</c>, a real host and a Kestrel server) must not stop
/// traffic: the last valid options stay in force, the rejection is logged once and counted, the next valid edit applies.
/// </summary>
public sealed class ConfigurationReloadTests : IAsyncLifetime
{
    private const int RejectedEventId = 100;
    private static readonly TimeSpan FileWatcherWait = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("mpp-reload-").FullName;
    private MppTestServer _server = null!;

    private string File => Path.Combine(_directory, "appsettings.json");

    public async Task InitializeAsync()
    {
        _server = await MppTestServer.StartAsync();
        _server.MapFree("/free");
        _server.MapPaid("/paid", new PriceOption("10")); // 0.10 usd
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task An_invalid_edit_keeps_the_last_valid_options_is_logged_once_and_the_next_valid_edit_applies()
    {
        Write("""{ "Mpp": { "Budget": { "PerRequest": { "usd": "1" }, "PerDay": { "usd": "5" } } } }""");
        var logs = new FakeLogCollector();
        using var host = await StartHostAsync(logs, (services, configuration) =>
            services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddPaymentMethod(new TestPaymentMethod()));
        using var rejected = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), MppTelemetry.Name, "mpp.client.configuration.rejected");
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        await AssertFreeAndPaidAsync(http, paid: true);

        // A typo in a cap and in a key: "1.O" (letter O) and PerDya.
        await EditAsync(
            host,
            """{ "Mpp": { "Budget": { "PerRequest": { "usd": "1.O" }, "PerDya": { "usd": "5" } } } }""",
            o => o.Budget.PerRequest.GetValueOrDefault("usd") == "1.O");

        await AssertFreeAndPaidAsync(http, paid: true); // the last valid caps are in force
        var error = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == RejectedEventId);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("Mpp:Budget:PerRequest:usd = '1.O'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:PerDya", error.Message, StringComparison.Ordinal);
        var measurement = Assert.Single(rejected.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal("MppOptions", measurement.Tags["options"]);

        // The next valid edit applies: 0.10 usd is now over the per-request cap.
        await EditAsync(
            host,
            """{ "Mpp": { "Budget": { "PerRequest": { "usd": "0.05" }, "PerDay": { "usd": "5" } } } }""",
            o => o.Budget.PerRequest.GetValueOrDefault("usd") == "0.05");

        using (var free = await http.GetAsync(_server.Url("/free")))
        {
            Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        }

        using (var refused = await http.GetAsync(_server.Url("/paid")))
        {
            AssertOverPerRequestCap(refused);
        }

        Assert.Single(logs.GetSnapshot(), r => r.Id.Id == RejectedEventId);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == RejectedEventId + 1 && r.Message.Contains("Mpp", StringComparison.Ordinal));
        Assert.Single(rejected.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task An_invalid_edit_of_a_client_budget_keeps_its_caps_in_force_and_names_its_path()
    {
        Write("""{ "Mpp": { "Budget": { "PerDay": { "usd": "5" } } }, "Agents": { "Writer": { "PerRequest": { "usd": "1" } } } }""");
        var logs = new FakeLogCollector();
        using var host = await StartHostAsync(logs, (services, configuration) =>
        {
            services.AddMpp(configuration.GetSection("Mpp")).AddPaymentMethod(new TestPaymentMethod());
            services.AddHttpClient("writer").AddMppPayments(configuration.GetSection("Agents:Writer"));
        });
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("writer");
        await AssertFreeAndPaidAsync(http, paid: true);

        await EditAsync(
            host,
            """{ "Mpp": { "Budget": { "PerDay": { "usd": "5" } } }, "Agents": { "Writer": { "PerRequest": { "usd": "lots" } } } }""",
            _ => true,
            "writer",
            b => b.PerRequest.GetValueOrDefault("usd") == "lots");

        await AssertFreeAndPaidAsync(http, paid: true);
        var error = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == RejectedEventId);
        Assert.Contains("Agents:Writer:PerRequest:usd = 'lots'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Clients[", error.Message, StringComparison.Ordinal);

        await EditAsync(
            host,
            """{ "Mpp": { "Budget": { "PerDay": { "usd": "5" } } }, "Agents": { "Writer": { "PerRequest": { "usd": "0.05" } } } }""",
            _ => true,
            "writer",
            b => b.PerRequest.GetValueOrDefault("usd") == "0.05");

        using var refused = await http.GetAsync(_server.Url("/paid"));
        AssertOverPerRequestCap(refused);
    }

    private static void AssertOverPerRequestCap(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(PaymentStatus.Refused, outcome.Status);
        Assert.Contains(outcome.Rejections, r => r.Reason.Contains("PerRequest cap of 0.05", StringComparison.Ordinal));
    }

    private async Task<IHost> StartHostAsync(FakeLogCollector logs, Action<IServiceCollection, IConfiguration> register)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddJsonFile(File, optional: false, reloadOnChange: true);
        builder.Logging.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(logs));
        builder.Services.AddMetrics();
        register(builder.Services, builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task AssertFreeAndPaidAsync(HttpClient http, bool paid)
    {
        using var free = await http.GetAsync(_server.Url("/free"));
        Assert.Equal(HttpStatusCode.OK, free.StatusCode);
        using var response = await http.GetAsync(_server.Url("/paid"));
        Assert.Equal(paid ? HttpStatusCode.OK : HttpStatusCode.PaymentRequired, response.StatusCode);
    }

    /// <summary>
    /// Writes the file (atomically, by a rename) and waits until the options monitor has seen the edit: the watcher's
    /// own events, not the clock, say when. The SDK subscribed at start, before this listener, so it has handled the edit too.
    /// </summary>
    private async Task EditAsync(IHost host, string json, Func<MppOptions, bool> edited, string? client = null, Func<BudgetOptions, bool>? clientEdited = null)
    {
        var options = host.Services.GetRequiredService<IOptionsMonitor<MppOptions>>();
        var budgets = host.Services.GetRequiredService<IOptionsMonitor<BudgetOptions>>();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (client is null)
        {
            clientSeen.SetResult();
        }

        using var a = options.OnChange((o, _) =>
        {
            if (edited(o))
            {
                seen.TrySetResult();
            }
        });
        using var b = budgets.OnChange((o, name) =>
        {
            if (name == client && clientEdited!(o))
            {
                clientSeen.TrySetResult();
            }
        });
        Write(json);
        await Task.WhenAll(seen.Task, clientSeen.Task).WaitAsync(FileWatcherWait);
    }

    private void Write(string json)
    {
        var temporary = File + ".tmp";
        System.IO.File.WriteAllText(temporary, json);
        System.IO.File.Move(temporary, File, overwrite: true);
    }
}
