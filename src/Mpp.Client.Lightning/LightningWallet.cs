using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mpp.Client.Lightning.Charge;
using Mpp.Client.Lightning.Lnd;
using Mpp.Client.Lightning.Nodes;

namespace Mpp.Client.Lightning;

/// <summary>Checks <see cref="LightningOptions"/> (every problem at once, no secret repeated) and builds the wallet.</summary>
internal static class LightningWallet
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(LightningOptions.Network), nameof(LightningOptions.Lnd), nameof(LightningOptions.MaxFeeSat), nameof(LightningOptions.AllowedPayees),
        nameof(LightningOptions.PaymentTimeout), nameof(LightningOptions.MinimumTimeToExpiry),
    };

    private static readonly HashSet<string> KnownLnd = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(LndOptions.RestUrl), nameof(LndOptions.MacaroonPath), nameof(LndOptions.Macaroon), nameof(LndOptions.TlsCertPath), nameof(LndOptions.TlsCert),
    };

    /// <exception cref="OptionsValidationException">The settings are wrong; every problem is listed.</exception>
    public static LightningChargeMethod Create(LightningOptions options, IConfiguration? section, ILightningNode? custom, Func<HttpClient> http, TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var path = section is IConfigurationSection s ? s.Path : "Mpp:" + LightningOptions.SectionName;
        var errors = new List<string>();
        if (section is not null)
        {
            Unknown(section, path, Known, errors);
            Unknown(section.GetSection(nameof(LightningOptions.Lnd)), path + ":Lnd", KnownLnd, errors);
        }

        if (!LightningChargeReader.TryParseNetwork(options.Network, out var network))
        {
            errors.Add($"{path}:Network must be mainnet, testnet, signet or regtest.");
        }

        if (options.MaxFeeSat < 0)
        {
            errors.Add($"{path}:MaxFeeSat must not be negative.");
        }

        foreach (var payee in options.AllowedPayees)
        {
            var p = payee?.Trim() ?? "";
            if (p.Length != 66 || !(p.StartsWith("02", StringComparison.Ordinal) || p.StartsWith("03", StringComparison.Ordinal)) || !p.All(char.IsAsciiHexDigit))
            {
                errors.Add($"{path}:AllowedPayees lists '{(p.Length > 70 ? p[..70] : p)}', which is not a 33-byte compressed node id in hex.");
            }
        }

        if (options.PaymentTimeout < TimeSpan.FromSeconds(1) || options.PaymentTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}:PaymentTimeout must be between 1 second and 1 hour.");
        }

        if (options.MinimumTimeToExpiry < TimeSpan.Zero || options.MinimumTimeToExpiry > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}:MinimumTimeToExpiry must be between 0 and 1 hour.");
        }

        var lnd = options.Lnd ?? new LndOptions();
        var lndSet = lnd.RestUrl is not null || lnd.MacaroonPath is not null || lnd.Macaroon is not null || lnd.TlsCertPath is not null || lnd.TlsCert is not null;
        string? macaroon = null;
        Uri? restUrl = null;
        if (custom is not null && lndSet)
        {
            errors.Add($"{path}:Lnd is set and an ILightningNode is registered: use one of them.");
        }
        else if (custom is null)
        {
            if (!Uri.TryCreate(lnd.RestUrl, UriKind.Absolute, out restUrl) || restUrl.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add($"{path}:Lnd:RestUrl must be the node's https REST address (e.g. https://127.0.0.1:8080).");
            }

            macaroon = ReadMacaroon(lnd, path, errors);
            if ((lnd.TlsCertPath is null) == (lnd.TlsCert is null))
            {
                errors.Add($"{path}:Lnd needs exactly one of TlsCertPath and TlsCert: the node's certificate is pinned.");
            }
            else
            {
                try
                {
                    LndCertificatePin.Load(lnd);
                }
                catch (InvalidOperationException e)
                {
                    errors.Add($"{path}:Lnd:{(lnd.TlsCertPath is null ? "TlsCert" : "TlsCertPath")}: {e.Message}");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(LightningOptions), errors);
        }

        var node = custom ?? new LndRestNode(restUrl!, macaroon!, http, options.PaymentTimeout);
        return new LightningChargeMethod(node, network, options.MaxFeeSat, options.AllowedPayees, options.MinimumTimeToExpiry, time, logger);
    }

    private static string? ReadMacaroon(LndOptions lnd, string path, List<string> errors)
    {
        if ((lnd.MacaroonPath is null) == (lnd.Macaroon is null))
        {
            errors.Add($"{path}:Lnd needs exactly one of MacaroonPath and Macaroon.");
            return null;
        }

        if (lnd.Macaroon is { } hex)
        {
            var trimmed = hex.Trim();
            if (trimmed.Length == 0 || trimmed.Length % 2 != 0 || !trimmed.All(char.IsAsciiHexDigit))
            {
                // The value is not repeated.
                errors.Add($"{path}:Lnd:Macaroon is not hex.");
                return null;
            }

            return trimmed.ToLowerInvariant();
        }

        try
        {
            var bytes = File.ReadAllBytes(lnd.MacaroonPath!);
            if (bytes.Length == 0)
            {
                errors.Add($"{path}:Lnd:MacaroonPath names an empty file.");
                return null;
            }

            return Convert.ToHexStringLower(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            errors.Add($"{path}:Lnd:MacaroonPath cannot be read ({e.GetType().Name}).");
            return null;
        }
    }

    private static void Unknown(IConfiguration section, string path, HashSet<string> known, List<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key))
            {
                errors.Add($"{path}:{child.Key} is not a Lightning setting (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
            }
        }
    }
}
