using System.Numerics;
using Microsoft.Data.Sqlite;
using Mpp.Client.Ledger;
using Mpp.Client.Ledger.Sqlite;
using Mpp.Client.Tempo.Session;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>The file-backed and ledger-backed channel stores: survive a restart whole, and refuse a broken file or row, or
/// a failing database, with a typed error.</summary>
public sealed class ChannelStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mpp-channels-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static TempoChannel Channel(string key, BigInteger highest) => new()
    {
        Key = key,
        Origin = "https://api.example.com",
        ChannelId = "0x" + new string('a', 64),
        ChainId = 42431,
        Escrow = "0x4d50500000000000000000000000000000000000",
        Payer = "0x1111111111111111111111111111111111111111",
        Payee = "0x2222222222222222222222222222222222222222",
        Operator = "0x0000000000000000000000000000000000000000",
        Token = "0x20c0000000000000000000000000000000000000",
        Salt = "0x" + new string('b', 64),
        AuthorizedSigner = "0x0000000000000000000000000000000000000000",
        ExpiringNonceHash = "0x" + new string('c', 64),
        Deposit = BigInteger.Parse("79228162514264337593543950335", System.Globalization.CultureInfo.InvariantCulture), // uint96 max
        HighestSigned = highest,
        HighestSignature = "0x" + new string('d', 130),
        Accepted = highest - 1,
        Counted = 5,
        Fees = 7,
        DepositEntryId = Guid.NewGuid(),
        Status = TempoChannelStatus.Open,
        OpenedAt = new DateTimeOffset(2026, 12, 1, 2, 3, 4, TimeSpan.Zero),
    };

    [Fact]
    public async Task A_saved_channel_is_read_back_whole_by_a_new_store_over_the_same_file()
    {
        var path = Path.Combine(_dir, "nested", "channels.json");
        var saved = Channel("k1", 123_456);
        using (var store = new FileChannelStore(path))
        {
            await store.SaveAsync(Channel("k0", 1), default);
            await store.SaveAsync(saved, default);
        }

        using var reopened = new FileChannelStore(path);
        Assert.Equal(saved, await reopened.GetAsync("k1", default));
        Assert.Equal(2, (await reopened.ListAsync(default)).Count);
        Assert.Null(await reopened.GetAsync("missing", default));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task The_highest_signed_amount_is_on_disk_when_save_returns()
    {
        var path = Path.Combine(_dir, "channels.json");
        using var store = new FileChannelStore(path);
        await store.SaveAsync(Channel("k", 10), default);
        await store.SaveAsync(Channel("k", 11), default);

        // Read by another store while the first is still alive (as after a crash right after the save).
        using var other = new FileChannelStore(path);
        Assert.Equal(new BigInteger(11), (await other.GetAsync("k", default))!.HighestSigned);
    }

    [Fact]
    public async Task The_ledger_store_keeps_channels_in_the_ledgers_database_across_a_restart()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "ledger.db");
        var saved = Channel("https://api.example.com|tempo", 123_456);
        await using (var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = path }))
        {
            var store = new LedgerChannelStore(ledger);
            await store.SaveAsync(Channel("k0", 1), default);
            await store.SaveAsync(saved with { HighestSigned = 1 }, default);
            await store.SaveAsync(saved, default);
        }

        await using var reopened = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = path });
        var again = new LedgerChannelStore(reopened);
        Assert.Equal(saved, await again.GetAsync(saved.Key, default));
        Assert.Equal(["https://api.example.com|tempo", "k0"], (await again.ListAsync(default)).Select(c => c.Key));
        Assert.Null(await again.GetAsync("missing", default));
        Assert.Equal(2, (await reopened.ListStateAsync(LedgerChannelStore.Scope, default)).Count); // one row per channel
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":2,\"channel\":{}}")]
    [InlineData("{\"version\":1,\"channel\":{\"key\":\"k\"}}")]
    public async Task A_malformed_row_in_the_ledger_is_a_typed_error(string value)
    {
        Directory.CreateDirectory(_dir);
        await using var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = Path.Combine(_dir, "ledger.db") });
        await ledger.SetStateAsync(LedgerChannelStore.Scope, "k", value, default);
        var store = new LedgerChannelStore(ledger);
        await Assert.ThrowsAsync<ChannelStoreException>(async () => await store.GetAsync("k", default));
        await Assert.ThrowsAsync<ChannelStoreException>(async () => await store.ListAsync(default));
    }

    [Fact]
    public async Task A_row_under_another_key_is_refused()
    {
        Directory.CreateDirectory(_dir);
        await using var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = Path.Combine(_dir, "ledger.db") });
        var store = new LedgerChannelStore(ledger);
        await store.SaveAsync(Channel("a", 5), default);
        await ledger.SetStateAsync(LedgerChannelStore.Scope, "b", (await ledger.GetStateAsync(LedgerChannelStore.Scope, "a", default))!, default);
        await Assert.ThrowsAsync<ChannelStoreException>(async () => await store.GetAsync("b", default));
    }

    [Fact]
    public async Task A_failing_ledger_database_fails_the_save_with_a_typed_error_and_no_signature_in_it()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "ledger.db");
        await using var ledger = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = path });
        await ledger.InitializeAsync();
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE mpp_wallet_state";
            await command.ExecuteNonQueryAsync();
        }

        var channel = Channel("k", 9);
        var ex = await Assert.ThrowsAsync<ChannelStoreException>(async () => await new LedgerChannelStore(ledger).SaveAsync(channel, default));
        Assert.IsType<LedgerStoreException>(ex.InnerException);
        Assert.DoesNotContain(channel.HighestSignature!, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"version":2,"channels":[]}""")]
    [InlineData("""{"version":1,"channels":[{"key":"k"}]}""")]
    [InlineData("""{"version":1}""")]
    public async Task A_broken_file_is_a_typed_error_that_names_the_file(string content)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "channels.json");
        await File.WriteAllTextAsync(path, content);
        using var store = new FileChannelStore(path);

        var error = await Assert.ThrowsAsync<ChannelStoreException>(async () => await store.GetAsync("k", default));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(path)); // nothing overwritten
    }

    [Fact]
    public async Task The_in_memory_store_keeps_the_latest_save()
    {
        var store = new InMemoryChannelStore();
        await store.SaveAsync(Channel("k", 1), default);
        await store.SaveAsync(Channel("k", 2), default);
        Assert.Equal(new BigInteger(2), (await store.GetAsync("k", default))!.HighestSigned);
        Assert.Single(await store.ListAsync(default));
    }
}
