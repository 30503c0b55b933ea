namespace Mpp.Client.Ledger.Tests.State;

/// <summary>
/// What every durable ledger's <see cref="IWalletStateStore"/> must do, run against a real SQLite file and a real
/// PostgreSQL database: values round-trip and replace, scopes are apart, the list is in ordinal key order, state survives
/// reopening the store, a database of the previous schema (no state table) is migrated, concurrent writers lose nothing,
/// and a broken store fails with a typed error.
/// </summary>
public abstract class WalletStateContract
{
    /// <summary>Opens (and initializes) a ledger over the test's store; the same store each time within one test.</summary>
    protected abstract Task<IWalletStateStore> OpenAsync();

    /// <summary>Runs SQL on the test's store directly (as an operator or an older SDK would).</summary>
    protected abstract Task ExecuteAsync(string sql);

    [Fact]
    public async Task Values_round_trip_replace_and_list_in_ordinal_key_order_per_scope()
    {
        var store = await OpenAsync();
        try
        {
            Assert.Null(await store.GetStateAsync("tempo/session", "absent", default));
            await store.SetStateAsync("tempo/session", "b", "{\"v\":1}", default);
            await store.SetStateAsync("tempo/session", "a", "first", default);
            await store.SetStateAsync("tempo/session", "B", "upper", default);
            await store.SetStateAsync("tempo/session", "a", "second", default);
            await store.SetStateAsync("other", "a", "elsewhere", default);
            var big = string.Concat(Enumerable.Repeat("é€😀", 20_000));
            await store.SetStateAsync("tempo/session", "ü", big, default);

            Assert.Equal("second", await store.GetStateAsync("tempo/session", "a", default));
            Assert.Equal("elsewhere", await store.GetStateAsync("other", "a", default));
            Assert.Equal(big, await store.GetStateAsync("tempo/session", "ü", default));
            var listed = await store.ListStateAsync("tempo/session", default);
            Assert.Equal(["B", "a", "b", "ü"], listed.Select(p => p.Key));
            Assert.Equal(["upper", "second", "{\"v\":1}", big], listed.Select(p => p.Value));
            Assert.Empty(await store.ListStateAsync("nobody", default));
        }
        finally
        {
            await DisposeAsync(store);
        }
    }

    [Fact]
    public async Task State_survives_reopening_the_store()
    {
        var first = await OpenAsync();
        await first.SetStateAsync("tempo/session", "channel", "highest=41", default);
        await DisposeAsync(first);

        var second = await OpenAsync();
        try
        {
            Assert.Equal("highest=41", await second.GetStateAsync("tempo/session", "channel", default));
        }
        finally
        {
            await DisposeAsync(second);
        }
    }

    [Fact]
    public async Task A_store_of_the_previous_schema_is_migrated_and_keeps_its_entries()
    {
        var store = await OpenAsync();
        await DisposeAsync(store);
        await ExecuteAsync("DROP TABLE mpp_wallet_state");
        await ExecuteAsync("UPDATE mpp_ledger_meta SET value = '1' WHERE key = 'schema_version'");

        store = await OpenAsync();
        try
        {
            await store.SetStateAsync("tempo/session", "after-migration", "ok", default);
            Assert.Equal("ok", await store.GetStateAsync("tempo/session", "after-migration", default));
        }
        finally
        {
            await DisposeAsync(store);
        }
    }

    [Fact]
    public async Task Concurrent_writers_of_different_keys_lose_nothing()
    {
        var store = await OpenAsync();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(async () =>
            {
                for (var round = 0; round < 5; round++)
                {
                    await store.SetStateAsync("tempo/session", $"k{i:D2}", $"{i}:{round}", default);
                }
            })));

            var listed = await store.ListStateAsync("tempo/session", default);
            Assert.Equal(Enumerable.Range(0, 24).Select(i => $"k{i:D2}"), listed.Select(p => p.Key));
            Assert.All(listed, p => Assert.EndsWith(":4", p.Value, StringComparison.Ordinal));
        }
        finally
        {
            await DisposeAsync(store);
        }
    }

    [Fact]
    public async Task Bad_names_are_refused_and_a_broken_store_fails_with_a_typed_error_that_repeats_no_value()
    {
        var store = await OpenAsync();
        try
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.SetStateAsync("", "k", "v", default));
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.SetStateAsync("s", "", "v", default));
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.SetStateAsync("s", "k", null!, default));
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GetStateAsync("s", null!, default));

            await ExecuteAsync("DROP TABLE mpp_wallet_state");
            const string secret = "0xhighest-voucher-signature-never-shown";
            var ex = await Assert.ThrowsAsync<LedgerStoreException>(async () => await store.SetStateAsync("tempo/session", "k", secret, default));
            Assert.Equal(MppErrorCode.LedgerUnavailable, ex.Code);
            Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
            Assert.Equal(MppErrorCode.LedgerUnavailable, (await Assert.ThrowsAsync<LedgerStoreException>(async () => await store.GetStateAsync("tempo/session", "k", default))).Code);
        }
        finally
        {
            await DisposeAsync(store);
        }
    }

    private static async Task DisposeAsync(IWalletStateStore store)
    {
        if (store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }
}
