using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mpp.Client;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Policy;

namespace Mpp.Cli.Configuration;

/// <summary>
/// The SDK wired the way an application wires it, from the <c>Mpp</c> section only: every wallet package <c>mpp</c> ships
/// with is added when its section exists (<c>Mpp:Tempo</c>, <c>Mpp:Stripe</c>,
/// <c>Mpp:Lightning</c>, <c>Mpp:X402</c>), and the ledger is durable — a SQLite file
/// per user unless <c>Mpp:Ledger</c> says otherwise — because a budget that resets with every process would cap nothing.
/// </summary>
internal static class CliServices
{
    public static async Task<ServiceProvider> StartAsync(
        IConfiguration configuration, IPaymentApprover? approver, IPaymentObserver? observer, CancellationToken cancellationToken)
    {
        var section = configuration.GetSection("Mpp");
        var services = new ServiceCollection();
        var mpp = services.AddHttpClient().AddMppPayments(section);
        if (section.GetSection("Tempo").Exists())
        {
            mpp.AddTempo();
        }

        if (section.GetSection("Stripe").Exists())
        {
            mpp.AddStripe();
        }

        if (section.GetSection("Lightning").Exists())
        {
            mpp.AddLightning();
        }

        if (section.GetSection("X402").Exists())
        {
            mpp.AddX402();
        }

        if (string.Equals(section["Ledger:Provider"]?.Trim(), "PostgreSql", StringComparison.OrdinalIgnoreCase))
        {
            mpp.UsePostgreSqlLedger();
        }
        else
        {
            // Provider Sqlite or none: the configured file, or the per-user default. Another provider name fails at start,
            // naming the package it needs.
            mpp.UseSqliteLedger(o => o.Path ??= EnsureFolder(CliConfiguration.DefaultLedgerPath));
        }
        if (approver is not null)
        {
            mpp.AddApprover(approver);
        }

        if (observer is not null)
        {
            mpp.AddObserver(observer);
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        try
        {
            // What a host does at start: every configuration problem at once, then the ledger store opened.
            provider.GetService<IStartupValidator>()?.Validate();
            foreach (var hosted in provider.GetServices<IHostedService>())
            {
                await hosted.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            return provider;
        }
        catch (OptionsValidationException e)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw new CliException(ExitCodes.Configuration, "The configuration is not valid: " + string.Join(" ", e.Failures), e);
        }
        catch (LedgerStoreException e)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw new CliException(ExitCodes.Configuration, $"The ledger cannot be used ({e.Code}): {e.Message}", e);
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string EnsureFolder(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return file;
    }
}
