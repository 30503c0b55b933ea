namespace Mpp.Client.Ledger.Sql;

/// <summary>
/// Wallet state (<see cref="IWalletStateStore"/>) in the ledger's database: table <c>mpp_wallet_state</c>, one row per
/// scope and key, written in its own transaction and committed before the call returns.
/// </summary>
internal sealed partial class SqlLedger
{
    public async ValueTask<string?> GetStateAsync(string scope, string key, CancellationToken ct)
    {
        CheckStateNames(scope, key);
        await ReadyAsync(ct).ConfigureAwait(false);
        return await Guard(async () =>
        {
            var s = await _store.BeginAsync(write: false, ct).ConfigureAwait(false);
            await using var session = s.ConfigureAwait(false);
            return await s.ScalarAsync("SELECT value FROM mpp_wallet_state WHERE scope = @p0 AND key = @p1", ct, scope, key).ConfigureAwait(false) as string;
        }).ConfigureAwait(false);
    }

    public async ValueTask SetStateAsync(string scope, string key, string value, CancellationToken ct)
    {
        CheckStateNames(scope, key);
        ArgumentNullException.ThrowIfNull(value);
        await ReadyAsync(ct).ConfigureAwait(false);
        await Guard(async () =>
        {
            var s = await _store.BeginAsync(write: true, ct).ConfigureAwait(false);
            await using var session = s.ConfigureAwait(false);
            await s.ExecuteAsync(
                "INSERT INTO mpp_wallet_state (scope, key, value, updated_ms) VALUES (@p0, @p1, @p2, @p3) " +
                "ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms",
                ct, scope, key, value, _time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false);
            await s.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListStateAsync(string scope, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        await ReadyAsync(ct).ConfigureAwait(false);
        return await Guard(async () =>
        {
            var s = await _store.BeginAsync(write: false, ct).ConfigureAwait(false);
            await using var session = s.ConfigureAwait(false);
            var rows = new List<KeyValuePair<string, string>>();
            var reader = await s.ReadAsync("SELECT key, value FROM mpp_wallet_state WHERE scope = @p0", ct, scope).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add(new(reader.GetString(0), reader.GetString(1)));
                }
            }

            // Ordinal order in code: a database's collation (PostgreSQL's follows the locale) must not decide it.
            rows.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return (IReadOnlyList<KeyValuePair<string, string>>)rows;
        }).ConfigureAwait(false);
    }

    private static void CheckStateNames(string scope, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(key);
    }
}
