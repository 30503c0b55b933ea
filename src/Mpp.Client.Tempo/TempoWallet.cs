using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mpp.Client.Tempo.Charge;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.Tempo.Rpc;

namespace Mpp.Client.Tempo;

/// <summary>
/// Checks <see cref="TempoOptions"/> (every problem at once, no secret or URL repeated) and builds the wallet: the
/// signer, one RPC client per configured chain over the <see cref="TempoMppBuilderExtensions.RpcHttpClientName"/>
/// client, and the <see cref="TempoChargeMethod"/>.
/// </summary>
internal static class TempoWallet
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(TempoOptions.PrivateKey), nameof(TempoOptions.Rpc), nameof(TempoOptions.PreferredMode), nameof(TempoOptions.AllowPush),
        nameof(TempoOptions.MaxSplits), nameof(TempoOptions.ClientId), nameof(TempoOptions.GasMargin), nameof(TempoOptions.FeeDataLifetime),
        nameof(TempoOptions.GasEstimateLifetime), nameof(TempoOptions.RpcTimeout), nameof(TempoOptions.RpcRetries), nameof(TempoOptions.Session),
    };

    /// <exception cref="OptionsValidationException">The settings are wrong; every problem is listed.</exception>
    public static TempoChargeMethod Create(TempoOptions options, IConfiguration? section, ITempoSigner? signer, Func<IHttpClientFactory> http, TimeProvider time)
    {
        var path = section is IConfigurationSection s ? s.Path : "Mpp:" + TempoOptions.SectionName;
        var errors = new List<string>();
        if (section is not null)
        {
            foreach (var child in section.GetChildren())
            {
                if (!Known.Contains(child.Key))
                {
                    errors.Add($"{path}:{child.Key} is not a Tempo setting (known: {string.Join(", ", Known.Order(StringComparer.Ordinal))}).");
                }
            }
        }

        var resolved = ResolveSigner(options, signer, path, errors);
        var nodes = new Dictionary<ulong, Uri>();
        if (options.Rpc.Count == 0)
        {
            errors.Add($"{path}:Rpc lists no chain: add the JSON-RPC endpoint of a Tempo node per chain id to pay on (\"42431\": \"https://rpc.moderato.tempo.xyz\").");
        }

        foreach (var (key, url) in options.Rpc)
        {
            if (!ulong.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var chainId) || chainId == 0)
            {
                errors.Add($"{path}:Rpc:{key} is not a chain id (a positive integer).");
            }
            else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                // The URL is not repeated: node URLs often carry an API key.
                errors.Add($"{path}:Rpc:{key} is not an absolute http(s) URL.");
            }
            else
            {
                nodes[chainId] = uri;
            }
        }

        if (options.MaxSplits is < 0 or > 100)
        {
            errors.Add($"{path}:MaxSplits must be between 0 and 100.");
        }

        if (options.GasMargin > 10_000_000)
        {
            errors.Add($"{path}:GasMargin must be at most 10,000,000.");
        }

        if (options.FeeDataLifetime < TimeSpan.Zero || options.GasEstimateLifetime < TimeSpan.Zero)
        {
            errors.Add($"{path}:FeeDataLifetime and GasEstimateLifetime must not be negative.");
        }

        if (options.RpcTimeout < TimeSpan.FromSeconds(1) || options.RpcTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{path}:RpcTimeout must be between 1 second and 5 minutes.");
        }

        if (options.RpcRetries is < 0 or > 5)
        {
            errors.Add($"{path}:RpcRetries must be between 0 and 5.");
        }

        if (!Enum.IsDefined(options.PreferredMode))
        {
            errors.Add($"{path}:PreferredMode must be Pull or Push.");
        }

        var sessions = Session.TempoSessionSettings.Create(options.Session, path, errors) is { } checkedSessions
            ? checkedSessions with { GasMargin = options.GasMargin, GasEstimateLifetime = options.GasEstimateLifetime }
            : null;
        if (errors.Count > 0 || resolved is null)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(TempoOptions), errors);
        }

        var rpcOptions = new TempoRpcClientOptions
        {
            FeeDataLifetime = options.FeeDataLifetime,
            RequestTimeout = options.RpcTimeout,
            Retries = options.RpcRetries,
        };
        var clients = nodes.ToDictionary(
            n => n.Key,
            n => new TempoRpcClient(() => http().CreateClient(TempoMppBuilderExtensions.RpcHttpClientName), n.Value, time, rpcOptions));
        return new TempoChargeMethod(resolved, clients, time, new TempoChargeOptions
        {
            Tokens = null,
            MaxSplits = options.MaxSplits,
            ClientId = options.ClientId,
            GasMargin = options.GasMargin,
            PreferredMode = options.PreferredMode,
            AllowPush = options.AllowPush,
            GasEstimateLifetime = options.GasEstimateLifetime,
            // The node must answer before the exchange's own deadline.
            ReceiptTimeout = options.RpcTimeout * 2 / 3,
        })
        {
            SessionSettings = sessions,
        };
    }

    private static ITempoSigner? ResolveSigner(TempoOptions options, ITempoSigner? signer, string path, List<string> errors)
    {
        var hasKey = !string.IsNullOrWhiteSpace(options.PrivateKey);
        if (hasKey && signer is not null)
        {
            errors.Add($"{path}:PrivateKey is set and an ITempoSigner is registered: use one of them.");
            return null;
        }

        if (signer is not null)
        {
            return signer;
        }

        if (!hasKey)
        {
            errors.Add($"{path}:PrivateKey is not set and no ITempoSigner is registered: the Tempo wallet has no key to sign with.");
            return null;
        }

        try
        {
            return new TempoKeySigner(TempoPrivateKey.FromHex(options.PrivateKey!.Trim()));
        }
        catch (FormatException e)
        {
            // The message of FromHex never repeats the key.
            errors.Add($"{path}:PrivateKey is not usable: {e.Message}");
            return null;
        }
    }
}
