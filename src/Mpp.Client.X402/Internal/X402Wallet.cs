using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.X402.Exact;

namespace Mpp.Client.X402.Internal;

/// <summary>
/// Checks <see cref="X402Options"/> (every problem at once, naming its configuration path, never repeating the key) and
/// builds the <c>x402/exact</c> payment method.
/// </summary>
internal static class X402Wallet
{
    private static readonly string[] Known = [nameof(X402Options.PrivateKey), nameof(X402Options.Networks), nameof(X402Options.MaxValidity), nameof(X402Options.Rpc)];

    /// <exception cref="OptionsValidationException">The settings are wrong; every problem is listed.</exception>
    public static X402ExactMethod Create(X402Options options, IConfiguration? section, IEvmSigner? signer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = section is IConfigurationSection s ? s.Path : "Mpp:" + X402Options.SectionName;
        var errors = new List<string>();
        if (section is not null)
        {
            foreach (var child in section.GetChildren())
            {
                if (!Known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{path}:{child.Key} is not an x402 setting (known: {string.Join(", ", Known)}).");
                }
            }
        }

        var resolved = ResolveSigner(options, signer, path, errors);
        var chains = new List<long>();
        if (options.Networks.Count == 0)
        {
            errors.Add($"{path}:Networks lists no network: add the CAIP-2 ids of the EVM networks to pay on (\"eip155:8453\" for Base, \"eip155:84532\" for Base Sepolia).");
        }

        for (var i = 0; i < options.Networks.Count; i++)
        {
            var network = options.Networks[i]?.Trim() ?? "";
            if (!network.StartsWith("eip155:", StringComparison.Ordinal) || !X402Networks.TryGetChainId(network, 2, out var chainId))
            {
                errors.Add($"{path}:Networks:{i} ('{network}') is not a CAIP-2 EVM network id (eip155:<chain id>).");
            }
            else
            {
                chains.Add(chainId);
            }
        }

        if (options.MaxValidity < TimeSpan.FromSeconds(6) || options.MaxValidity > TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:MaxValidity must be between 6 seconds and 1 day (the official facilitator needs 6 seconds of validity left).");
        }

        foreach (var (key, url) in options.Rpc)
        {
            if (!TryChainId(key, out _))
            {
                errors.Add($"{path}:Rpc:{key} is not a chain id (Mpp:X402:Rpc:<chain id>, e.g. Rpc:8453 for Base).");
            }
            else if (!TryEndpoint(url, out _))
            {
                // The URL is not repeated: it may hold an API key.
                errors.Add($"{path}:Rpc:{key} is not an absolute http(s) URL.");
            }
        }

        if (errors.Count > 0 || resolved is null)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(X402Options), errors);
        }

        return new X402ExactMethod(resolved, chains, options.MaxValidity, time);
    }

    /// <summary>The valid <see cref="X402Options.Rpc"/> entries by chain id (<see cref="Create"/> reports the others).</summary>
    public static Dictionary<long, Uri> Endpoints(X402Options options)
    {
        var endpoints = new Dictionary<long, Uri>();
        foreach (var (key, url) in options.Rpc)
        {
            if (TryChainId(key, out var chainId) && TryEndpoint(url, out var endpoint))
            {
                endpoints[chainId] = endpoint;
            }
        }

        return endpoints;
    }

    private static bool TryChainId(string key, out long chainId) => X402Networks.TryGetChainId("eip155:" + key.Trim(), 2, out chainId);

    private static bool TryEndpoint(string? url, out Uri endpoint) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out endpoint!) && (endpoint.Scheme == Uri.UriSchemeHttps || endpoint.Scheme == Uri.UriSchemeHttp);

    private static IEvmSigner? ResolveSigner(X402Options options, IEvmSigner? signer, string path, List<string> errors)
    {
        if (signer is not null)
        {
            if (options.PrivateKey is not null)
            {
                errors.Add($"{path}:PrivateKey is set and an IEvmSigner is registered: use one of them.");
                return null;
            }

            try
            {
                _ = Mpp.Client.Tempo.Encoding.EvmAddress.Normalize(signer.Address ?? "");
            }
            catch (FormatException)
            {
                errors.Add("The registered IEvmSigner's Address is not a 20-byte 0x-prefixed hex address.");
                return null;
            }

            return signer;
        }

        if (string.IsNullOrWhiteSpace(options.PrivateKey))
        {
            errors.Add($"{path}:PrivateKey is not set and no IEvmSigner is registered: the x402 wallet has no key to sign with.");
            return null;
        }

        try
        {
            return new EvmKeySigner(TempoPrivateKey.FromHex(options.PrivateKey.Trim()));
        }
        catch (FormatException e)
        {
            // The message is the key parser's own, which never repeats the input.
            errors.Add($"{path}:PrivateKey is not usable: {e.Message}");
            return null;
        }
    }
}
