using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mpp.Client.Ledger;
using Mpp.Client.Ledger.Sql;
using Mpp.Client.Ledger.PostgreSql;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL ledger on the Mpp builder.</summary>
public static class PostgreSqlLedgerMppBuilderExtensions
{
    private const string Provider = "PostgreSql";

    /// <summary>
    /// Keeps budgets in the PostgreSQL database configured under <c>Mpp:Ledger</c> (<c>Provider</c> = <c>PostgreSql</c>,
    /// <c>ConnectionString</c> from any configuration source such as a secret store, optional <c>Lease</c> and
    /// <c>Retention</c>) and by <paramref name="configure"/>; without a connection string, an <c>NpgsqlDataSource</c>
    /// registered in the service collection is used. The database is opened when the host starts: one that cannot be
    /// reached, or holds a schema from a newer version, fails the start with a <see cref="LedgerStoreException"/>. The
    /// connection string is never logged. When <c>Mpp:Ledger:Provider</c> names another store, that store's package is used.
    /// </summary>
    public static MppBuilder UsePostgreSqlLedger(this MppBuilder builder, Action<PostgreSqlLedgerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ClaimSection(LedgerSection.Key);
        var section = new LedgerSection(builder.Configuration?.GetSection(LedgerSection.Key), Provider, "ConnectionString", "Lease", "Retention");
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlLedgerOptions>, Validator>());
        services.AddOptions<PostgreSqlLedgerOptions>().ValidateOnStart();
        services.AddSingleton(new Registration(section));
        if (!section.Chooses)
        {
            return builder; // Mpp:Ledger:Provider names another store; the validator checks that its package is registered
        }

        services.Configure<PostgreSqlLedgerOptions>(o =>
        {
            var errors = new List<string>();
            o.ConnectionString = section["ConnectionString"] is { Length: > 0 } connectionString ? connectionString : o.ConnectionString;
            o.Lease = section.Duration("Lease", o.Lease, errors);
            o.Retention = section.Duration("Retention", o.Retention, errors);
        });
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LedgerStartup>());
        builder.UseLedger(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgreSqlLedgerOptions>>().Value;
            var time = sp.GetService<TimeProvider>();
            var logger = sp.GetService<ILogger<PostgreSqlPaymentLedger>>();
            var meters = sp.GetService<IMeterFactory>();
            return string.IsNullOrWhiteSpace(options.ConnectionString) && sp.GetService<NpgsqlDataSource>() is { } dataSource
                ? new PostgreSqlPaymentLedger(dataSource, options, time, logger, meters)
                : new PostgreSqlPaymentLedger(options, time, logger, meters);
        });
        return builder;
    }

    private sealed record Registration(LedgerSection Section);

    /// <summary>Checks at start: the section's keys and durations, the path, and that the provider named is registered.</summary>
    private sealed class Validator(IServiceProvider services) : IValidateOptions<PostgreSqlLedgerOptions>
    {
        public ValidateOptionsResult Validate(string? name, PostgreSqlLedgerOptions options)
        {
            var section = services.GetRequiredService<Registration>().Section;
            var errors = new List<string>();
            if (!section.Chooses)
            {
                if (services.GetService<IPaymentLedger>() is InMemoryPaymentLedger)
                {
                    errors.Add($"{section.Path}:Provider = '{section.Provider}' names a ledger store whose package is not registered (UsePostgreSqlLedger() is, for Provider = PostgreSql): add the package Mpp.Client.Ledger.{section.Provider} and call Use{section.Provider}Ledger().");
                }

                return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
            }

            errors.AddRange(section.Errors());
            section.Duration("Lease", TimeSpan.Zero, errors);
            section.Duration("Retention", TimeSpan.Zero, errors);
            if (string.IsNullOrWhiteSpace(options.ConnectionString) && services.GetService<NpgsqlDataSource>() is null)
            {
                errors.Add($"{section.Path}:ConnectionString is required (or register an NpgsqlDataSource): the PostgreSQL database that holds the budgets.");
            }

            if (options.Lease <= TimeSpan.Zero || options.Retention <= TimeSpan.Zero)
            {
                errors.Add("PostgreSqlLedgerOptions.Lease and Retention must be positive.");
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
