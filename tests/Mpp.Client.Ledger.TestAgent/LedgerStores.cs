using Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ledger store the arguments name.</summary>
internal static class LedgerStores
{
    public static void Use(MppBuilder mpp, string provider)
    {
        switch (provider)
        {
            case "Sqlite":
                mpp.UseSqliteLedger();
                break;
            case "PostgreSql":
                mpp.UsePostgreSqlLedger();
                break;
            default:
                throw new ArgumentException($"Unknown ledger provider {provider}.", nameof(provider));
        }
    }
}
