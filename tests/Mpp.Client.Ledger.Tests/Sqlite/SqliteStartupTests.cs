using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Ledger.Sqlite;
using Mpp.Client.Testing;

namespace Mpp.Client.Ledger.Tests.Sqlite;

/// <summary>Registration, start-up checks, bad input (fail closed), hot reload of caps and the report of pending entries.</summary>
public sealed class SqliteStartupTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task A_corrupt_file_fails_the_start_with_a_typed_error_and_is_left_as_it_was()
    {
        var file = _folder.File("corrupt.db");
        var garbage = Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251)).ToArray();
        await File.WriteAllBytesAsync(file, garbage);
        using var host = AgentHost.Build(Settings(file), static m => m.UseSqliteLedger());
        var ex = Assert.IsType<LedgerStoreException>(await AgentHost.StartFailureAsync(host));
        Assert.Equal(MppErrorCode.LedgerUnavailable, ex.Code);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(file));
    }

    [Fact]
    public async Task A_path_where_no_file_can_be_written_fails_the_start_with_a_typed_error()
    {
        using var host = AgentHost.Build(Settings("/proc/mpp-ledger-test/ledger.db"), static m => m.UseSqliteLedger());
        var ex = Assert.IsType<LedgerStoreException>(await AgentHost.StartFailureAsync(host));
        Assert.Equal(MppErrorCode.LedgerUnavailable, ex.Code);
    }

    [Fact]
    public async Task A_schema_from_a_newer_version_fails_the_start_and_is_not_touched()
    {
        var file = _folder.File("newer.db");
        await using (var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file }))
        {
            await ledger.InitializeAsync();
        }

        await SetSchemaVersionAsync(file, "99");
        using var host = AgentHost.Build(Settings(file), static m => m.UseSqliteLedger());
        var ex = Assert.IsType<LedgerStoreException>(await AgentHost.StartFailureAsync(host));
        Assert.Equal(MppErrorCode.LedgerSchemaUnsupported, ex.Code);
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
        Assert.Equal("99", await GetSchemaVersionAsync(file));
    }

    [Fact]
    public async Task A_store_that_fails_on_the_payment_pays_nothing()
    {
        var file = _folder.File("corrupt-later.db");
        await File.WriteAllBytesAsync(file, Enumerable.Repeat((byte)0x5a, 8192).ToArray());
        await using var server = await MppTestServer.StartAsync();
        server.MapPaid("/paid", new PriceOption("1"));
        var method = new TestPaymentMethod();
        using var http = new HttpClient(PaymentHandler.Create(
            static o => { o.Budget.PerDay["usd"] = "1"; o.AllowInsecureHttp = true; },
            m => m.AddPaymentMethod(method).UseSqliteLedger(o => o.Path = file)));
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync(server.Url("/paid")));
        var store = Assert.IsType<LedgerStoreException>(ex is LedgerStoreException ? ex : ex.InnerException);
        Assert.Equal(MppErrorCode.LedgerUnavailable, store.Code);
        Assert.Equal(0, method.PayloadsCreated);
        Assert.Empty(server.Payments);
    }

    [Fact]
    public async Task Mpp_Ledger_without_a_registered_store_fails_the_start_naming_the_package()
    {
        var settings = Settings(_folder.File("x.db"));
        settings["Mpp:Ledger:Provider"] = "PostgreSql";
        using var host = AgentHost.Build(settings, static _ => { });
        var ex = Assert.IsType<OptionsValidationException>(await AgentHost.StartFailureAsync(host));
        Assert.Contains(ex.Failures, f => f.Contains("Mpp.Client.Ledger.PostgreSql", StringComparison.Ordinal) && f.Contains("UsePostgreSqlLedger()", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provider_other_than_the_registered_store_fails_the_start()
    {
        var settings = Settings(_folder.File("x.db"));
        settings["Mpp:Ledger:Provider"] = "Redis";
        using var host = AgentHost.Build(settings, static m => m.UseSqliteLedger());
        var ex = Assert.IsType<OptionsValidationException>(await AgentHost.StartFailureAsync(host));
        Assert.Contains(ex.Failures, f => f.Contains("'Redis'", StringComparison.Ordinal) && f.Contains("Mpp.Client.Ledger.Redis", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_keys_a_missing_path_and_bad_durations_fail_the_start_all_at_once()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mpp:Budget:PerDay:usd"] = "1",
            ["Mpp:Ledger:Provider"] = "Sqlite",
            ["Mpp:Ledger:Pth"] = "typo.db",
            ["Mpp:Ledger:Lease"] = "banana",
        };
        using var host = AgentHost.Build(settings, static m => m.UseSqliteLedger());
        var ex = Assert.IsType<OptionsValidationException>(await AgentHost.StartFailureAsync(host));
        Assert.Contains(ex.Failures, f => f.Contains("Mpp:Ledger:Pth is not a known setting", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Mpp:Ledger:Path is required", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Mpp:Ledger:Lease = 'banana'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Caps_reloaded_from_configuration_apply_to_the_durable_store_and_spend_survives_a_restart()
    {
        await using var server = await MppTestServer.StartAsync();
        server.MapPaid("/paid", new PriceOption("1"));
        var file = _folder.File("reload.db");
        var settings = Settings(file);
        settings["Mpp:Budget:PerDay:usd"] = "0.05";
        using (var host = AgentHost.Build(settings, static m => m.UseSqliteLedger()))
        {
            await host.StartAsync();
            var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("pay");
            Assert.Equal(PaymentStatus.Paid, await PayAsync(http, server));
            var configuration = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
            configuration["Mpp:Budget:PerDay:usd"] = "0.01";
            configuration.Reload();
            Assert.Equal(PaymentStatus.Refused, await PayAsync(http, server)); // 0.01 counted + 0.01 > 0.01
            configuration["Mpp:Budget:PerDay:usd"] = "0.02";
            configuration.Reload();
            Assert.Equal(PaymentStatus.Paid, await PayAsync(http, server));
            await host.StopAsync();
        }

        settings["Mpp:Budget:PerDay:usd"] = "0.02";
        using (var restarted = AgentHost.Build(settings, static m => m.UseSqliteLedger()))
        {
            await restarted.StartAsync(); // a fresh process would get a fresh budget with the in-memory ledger; not here
            var http = restarted.Services.GetRequiredService<IHttpClientFactory>().CreateClient("pay");
            Assert.Equal(PaymentStatus.Refused, await PayAsync(http, server));
            await restarted.StopAsync();
        }

        Assert.Equal(2, server.Payments.Count);
    }

    [Fact]
    public async Task Entries_left_sent_are_logged_counted_listed_and_offered_to_reconcilers_at_start()
    {
        var file = _folder.File("pending.db");
        var settled = new LedgerCharge("usd", 0.10m, "h") { Method = "test" };
        var left = new LedgerCharge("usd", 0.20m, "h") { Method = "other" };
        await using (var before = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = file }))
        {
            foreach (var c in new[] { settled, left })
            {
                await before.ReserveAsync(c, [], default);
                await before.MarkSentAsync(c.Id, "0x" + c.Method, default);
            }
        }

        var logs = new FakeLogCollector();
        using var host = AgentHost.Build(Settings(file), static m => m.UseSqliteLedger().AddReconciler(new KnowsItWasTaken()),
            s => s.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs))));
        using var pendingMetric = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "Mpp.Client.Ledger", "mpp.client.ledger.pending_at_start");
        await host.StartAsync();

        var ledger = Assert.IsType<SqlitePaymentLedger>(host.Services.GetRequiredService<IPaymentLedger>());
        Assert.Equal(2, ledger.PendingAtStart.Count);
        Assert.Equal(2, pendingMetric.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Id.Id == 300));
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 300 && r.Message.Contains("0xother", StringComparison.Ordinal));

        var reconciliation = host.Services.GetRequiredService<PaymentReconciliation>();
        var pending = Assert.Single(await reconciliation.ListPendingAsync()); // the "test" one was settled by its reconciler
        Assert.Equal(left.Id, pending.Id);
        await reconciliation.ResolveAsync(left.Id, LedgerOutcome.Released);
        Assert.Empty(await reconciliation.ListPendingAsync());
        Assert.Equal(new LedgerUsage(0m, 0.10m), await ledger.GetUsageAsync("usd", null, null, default));
        await host.StopAsync();
    }

    public void Dispose() => _folder.Dispose();

    private static Dictionary<string, string?> Settings(string file) => new()
    {
        ["Mpp:Budget:PerDay:usd"] = "1",
        ["Mpp:AllowInsecureHttp"] = "true",
        ["Mpp:Ledger:Provider"] = "Sqlite",
        ["Mpp:Ledger:Path"] = file,
    };

    private static async Task<PaymentStatus?> PayAsync(HttpClient http, MppTestServer server)
    {
        using var response = await http.GetAsync(server.Url("/paid"));
        return response.GetPaymentOutcome()?.Status;
    }

    private static async Task SetSchemaVersionAsync(string file, string version)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE mpp_ledger_meta SET value = $v WHERE key = 'schema_version'";
        command.Parameters.AddWithValue("$v", version);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<string?> GetSchemaVersionAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM mpp_ledger_meta WHERE key = 'schema_version'";
        return (string?)await command.ExecuteScalarAsync();
    }

    private sealed class KnowsItWasTaken : IPaymentReconciler
    {
        public string Method => "test";

        public ValueTask<LedgerOutcome?> LookupAsync(LedgerEntry entry, CancellationToken cancellationToken) =>
            ValueTask.FromResult<LedgerOutcome?>(entry.WalletReference == "0xtest" ? LedgerOutcome.Settled : null);
    }
}
