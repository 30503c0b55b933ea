using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Ledger.PostgreSql;
using Mpp.Client.Testing;
using Npgsql;

namespace Mpp.Client.Ledger.Tests.PostgreSql;

/// <summary>Start-up against a real server: unreachable, wrong password, newer schema, missing settings; secrets never shown.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlStartupTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_unreachable_server_fails_the_start_with_a_typed_error()
    {
        var closed = new NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString()) { Port = FreePort(), Timeout = 5 }.ConnectionString;
        using var host = AgentHost.Build(Settings(closed), static m => m.UsePostgreSqlLedger());
        var ex = Assert.IsType<LedgerStoreException>(await AgentHost.StartFailureAsync(host));
        Assert.Equal(MppErrorCode.LedgerUnavailable, ex.Code);
    }

    [Fact]
    public async Task A_wrong_password_fails_the_start_and_no_secret_reaches_the_error_or_the_logs()
    {
        const string secret = "s3cret-Passw0rd-never-shown";
        var wrong = new NpgsqlConnectionStringBuilder(postgres.Cluster.ConnectionString()) { Password = secret }.ConnectionString;
        var logs = new FakeLogCollector();
        using var host = AgentHost.Build(Settings(wrong), static m => m.UsePostgreSqlLedger(),
            s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs))));
        var ex = Assert.IsType<LedgerStoreException>(await AgentHost.StartFailureAsync(host));
        Assert.Equal(MppErrorCode.LedgerUnavailable, ex.Code);
        Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(postgres.Cluster.Password, ex.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(logs.GetSnapshot());
        Assert.All(logs.GetSnapshot(), r => Assert.DoesNotContain(secret, r.Message + r.Exception, StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_repeating_it()
    {
        const string secret = "pw-in-a-broken-string";
        var ex = Assert.Throws<ArgumentException>(() => new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = $"Host=x;Password={secret};Bogus Key=1" }));
        Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schema_from_a_newer_version_fails_the_start_and_is_not_touched()
    {
        var database = await postgres.NewDatabaseAsync();
        await using (var ledger = new PostgreSqlPaymentLedger(new PostgreSqlLedgerOptions { ConnectionString = database }))
        {
            await ledger.InitializeAsync();
        }

        await ExecuteAsync(database, "UPDATE mpp_ledger_meta SET value = '42' WHERE key = 'schema_version'");
        using var host = AgentHost.Build(Settings(database), static m => m.UsePostgreSqlLedger());
        var ex = Assert.IsType<LedgerStoreException>(await AgentHost.StartFailureAsync(host));
        Assert.Equal(MppErrorCode.LedgerSchemaUnsupported, ex.Code);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var read = new NpgsqlCommand("SELECT value FROM mpp_ledger_meta WHERE key = 'schema_version'", connection);
        Assert.Equal("42", await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_database_lost_on_the_payment_pays_nothing()
    {
        var database = await postgres.NewDatabaseAsync();
        var gone = new NpgsqlConnectionStringBuilder(database) { Port = FreePort(), Timeout = 5 }.ConnectionString;
        await using var server = await MppTestServer.StartAsync();
        server.MapPaid("/paid", new PriceOption("1"));
        var method = new TestPaymentMethod();
        using var http = new HttpClient(PaymentHandler.Create(
            static o => { o.Budget.PerDay["usd"] = "1"; o.AllowInsecureHttp = true; },
            m => m.AddPaymentMethod(method).UsePostgreSqlLedger(o => o.ConnectionString = gone)));
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync(server.Url("/paid")));
        Assert.Equal(MppErrorCode.LedgerUnavailable, Assert.IsType<LedgerStoreException>(ex is LedgerStoreException ? ex : ex.InnerException).Code);
        Assert.Equal(0, method.PayloadsCreated);
        Assert.Empty(server.Payments);
    }

    [Fact]
    public async Task A_missing_connection_string_fails_the_start()
    {
        var settings = Settings("x");
        settings.Remove("Mpp:Ledger:ConnectionString");
        using var host = AgentHost.Build(settings, static m => m.UsePostgreSqlLedger());
        var ex = Assert.IsType<OptionsValidationException>(await AgentHost.StartFailureAsync(host));
        Assert.Contains(ex.Failures, f => f.Contains("Mpp:Ledger:ConnectionString is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Both_stores_registered_use_the_one_the_provider_names()
    {
        var database = await postgres.NewDatabaseAsync();
        using var host = AgentHost.Build(Settings(database), static m => m.UseSqliteLedger().UsePostgreSqlLedger());
        await host.StartAsync();
        Assert.IsType<PostgreSqlPaymentLedger>(host.Services.GetRequiredService<IPaymentLedger>());
        await host.StopAsync();
    }

    private static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Mpp:Budget:PerDay:usd"] = "1",
        ["Mpp:AllowInsecureHttp"] = "true",
        ["Mpp:Ledger:Provider"] = "PostgreSql",
        ["Mpp:Ledger:ConnectionString"] = connectionString,
    };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
