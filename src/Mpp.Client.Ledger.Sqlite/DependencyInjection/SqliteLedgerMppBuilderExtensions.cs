using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Ledger;
using Mpp.Client.Ledger.Sql;
using Mpp.Client.Ledger.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite ledger on the Mpp builder.</summary>
public static class SqliteLedgerMppBuilderExtensions
{
    private const string Provider = "Sqlite";

    /// <summary>
    /// Keeps budgets in a SQLite file configured under <c>Mpp:Ledger</c> (<c>Provider</c> = <c>Sqlite</c>, <c>Path</c>,
    /// optional <c>Lease</c> and <c>Retention</c>) and by <paramref name="configure"/>. The file is opened when the host
    /// starts: a corrupt or unwritable file, or one written by a newer version, fails the start with a
    /// <see cref="LedgerStoreException"/>. When <c>Mpp:Ledger:Provider</c> names another store, that store's package is
    /// used instead (and must be registered too).
    /// </summary>
    public static MppBuilder UseSqliteLedger(this MppBuilder builder, Action<SqliteLedgerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ClaimSection(LedgerSection.Key);
        var section = new LedgerSection(builder.Configuration?.GetSection(LedgerSection.Key), Provider, "Path", "Lease", "Retention");
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteLedgerOptions>, Validator>());
        services.AddOptions<SqliteLedgerOptions>().ValidateOnStart();
        services.AddSingleton(new Registration(section));
        if (!section.Chooses)
        {
            return builder; // Mpp:Ledger:Provider names another store; the validator checks that its package is registered
        }

        services.Configure<SqliteLedgerOptions>(o =>
        {
            var errors = new List<string>();
            o.Path = section["Path"] is { Length: > 0 } path ? path : o.Path;
            o.Lease = section.Duration("Lease", o.Lease, errors);
            o.Retention = section.Duration("Retention", o.Retention, errors);
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LedgerStartup>());
        builder.UseLedger(static sp => new SqlitePaymentLedger(
            sp.GetRequiredService<IOptions<SqliteLedgerOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<SqlitePaymentLedger>>(),
            sp.GetService<IMeterFactory>()));
        return builder;
    }

    private sealed record Registration(LedgerSection Section);

    /// <summary>Checks at start: the section's keys and durations, the path, and that the provider named is registered.</summary>
    private sealed class Validator(IServiceProvider services) : IValidateOptions<SqliteLedgerOptions>
    {
        public ValidateOptionsResult Validate(string? name, SqliteLedgerOptions options)
        {
            var section = services.GetRequiredService<Registration>().Section;
            var errors = new List<string>();
            if (!section.Chooses)
            {
                if (services.GetService<IPaymentLedger>() is InMemoryPaymentLedger)
                {
                    errors.Add($"{section.Path}:Provider = '{section.Provider}' names a ledger store whose package is not registered (UseSqliteLedger() is, for Provider = Sqlite): add the package Mpp.Client.Ledger.{section.Provider} and call Use{section.Provider}Ledger().");
                }

                return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
            }

            errors.AddRange(section.Errors());
            section.Duration("Lease", TimeSpan.Zero, errors);
            section.Duration("Retention", TimeSpan.Zero, errors);
            if (string.IsNullOrWhiteSpace(options.Path))
            {
                errors.Add($"{section.Path}:Path is required: the SQLite file that holds the budgets (processes that name the same file share them).");
            }

            if (options.Lease <= TimeSpan.Zero || options.Retention <= TimeSpan.Zero)
            {
                errors.Add("SqliteLedgerOptions.Lease and Retention must be positive.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
