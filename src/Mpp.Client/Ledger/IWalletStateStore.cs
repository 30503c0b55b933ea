namespace Mpp.Client.Ledger;

/// <summary>
/// Durable state a wallet keeps beside the money the ledger counts, in the same store: for example the Tempo wallet's
/// session channels (the highest voucher it signed for each, which it must never go below after a restart). The durable
/// ledgers (<c>Mpp.Client.Ledger.Sqlite</c>, <c>Mpp.Client.Ledger.PostgreSql</c>) implement it, so a wallet's state and
/// its spending live in one database and are backed up, moved and shared together. Values are opaque text (wallets
/// write JSON) under a scope (the wallet's own name, e.g. <c>tempo/session</c>) and a key.
/// </summary>
/// <remarks>
/// A value is written durably (committed) when <see cref="SetStateAsync"/> returns; a failure throws and the caller must
/// act as if nothing was written. Writes of one key are not concurrent (the wallet serializes them); writes of different
/// keys may be. Keys and values are never logged or put in messages by the stores.
/// </remarks>
public interface IWalletStateStore
{
    /// <summary>The value stored under <paramref name="scope"/> and <paramref name="key"/>, or null.</summary>
    /// <exception cref="LedgerStoreException">The store cannot be used.</exception>
    ValueTask<string?> GetStateAsync(string scope, string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="value"/> under <paramref name="scope"/> and <paramref name="key"/>, replacing any
    /// earlier value, durably before returning.</summary>
    /// <exception cref="LedgerStoreException">The store cannot be used; nothing was written.</exception>
    ValueTask SetStateAsync(string scope, string key, string value, CancellationToken cancellationToken);

    /// <summary>Every key and value stored under <paramref name="scope"/>, ordered by key (ordinal).</summary>
    /// <exception cref="LedgerStoreException">The store cannot be used.</exception>
    ValueTask<IReadOnlyList<KeyValuePair<string, string>>> ListStateAsync(string scope, CancellationToken cancellationToken);
}
