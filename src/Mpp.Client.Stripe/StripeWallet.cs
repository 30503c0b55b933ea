using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mpp.Client.Stripe.Charge;
using Mpp.Client.Stripe.Issuing;

namespace Mpp.Client.Stripe;

/// <summary>Checks <see cref="StripeOptions"/> (every problem at once, no secret repeated) and builds the wallet.</summary>
internal static class StripeWallet
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(StripeOptions.SecretKey), nameof(StripeOptions.PaymentMethod), nameof(StripeOptions.PaymentMethodTypes),
        nameof(StripeOptions.ApiBase), nameof(StripeOptions.ApiVersion), nameof(StripeOptions.UseTestHelperInTestMode),
        nameof(StripeOptions.MaxNetworkRetries), nameof(StripeOptions.TokenLifetime),
    };

    /// <exception cref="OptionsValidationException">The settings are wrong; every problem is listed.</exception>
    public static StripeChargeMethod Create(StripeOptions options, IConfiguration? section, ISharedPaymentTokenIssuer? custom, Func<HttpClient> http, TimeProvider time, Microsoft.Extensions.Logging.ILogger? logger = null)
    {
        var path = section is IConfigurationSection s ? s.Path : "Mpp:" + StripeOptions.SectionName;
        var errors = new List<string>();
        if (section is not null)
        {
            foreach (var child in section.GetChildren())
            {
                if (!Known.Contains(child.Key))
                {
                    errors.Add($"{path}:{child.Key} is not a Stripe setting (known: {string.Join(", ", Known.Order(StringComparer.Ordinal))}).");
                }
            }
        }

        var hasKey = !string.IsNullOrWhiteSpace(options.SecretKey);
        if (custom is not null && hasKey)
        {
            errors.Add($"{path}:SecretKey is set and an ISharedPaymentTokenIssuer is registered: use one of them.");
        }
        else if (custom is null && !hasKey)
        {
            errors.Add($"{path}:SecretKey is not set and no ISharedPaymentTokenIssuer is registered: the Stripe wallet cannot mint tokens.");
        }
        else if (custom is null && StripeKeyMode.IsLive(options.SecretKey!.Trim()) is null)
        {
            // The key is not repeated, not even its prefix beyond what is expected.
            errors.Add($"{path}:SecretKey is not a Stripe secret or restricted key (sk_test_, sk_live_, rk_test_ or rk_live_).");
        }

        if (custom is null && (string.IsNullOrWhiteSpace(options.PaymentMethod) || !options.PaymentMethod.Trim().StartsWith("pm_", StringComparison.Ordinal)))
        {
            errors.Add($"{path}:PaymentMethod must name the saved payment method the tokens charge (pm_…).");
        }

        if (options.ApiBase is not null
            && (!Uri.TryCreate(options.ApiBase, UriKind.Absolute, out var apiBase) || (apiBase.Scheme != Uri.UriSchemeHttps && apiBase.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add($"{path}:ApiBase is not an absolute http(s) URL.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiVersion))
        {
            errors.Add($"{path}:ApiVersion must not be empty.");
        }

        if (options.MaxNetworkRetries is < 0 or > 5)
        {
            errors.Add($"{path}:MaxNetworkRetries must be between 0 and 5.");
        }

        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:TokenLifetime must be between 1 minute and 1 day.");
        }

        if (options.PaymentMethodTypes.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{path}:PaymentMethodTypes must not list empty types.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(StripeOptions), errors);
        }

        var issuer = custom ?? new StripeTokenIssuer(
            options.SecretKey!.Trim(),
            options.PaymentMethod!.Trim(),
            options.ApiBase?.TrimEnd('/'),
            options.ApiVersion.Trim(),
            options.MaxNetworkRetries,
            options.UseTestHelperInTestMode,
            http);
        IEnumerable<string> types = options.PaymentMethodTypes.Count == 0 ? ["card"] : options.PaymentMethodTypes.Select(t => t.Trim());
        return new StripeChargeMethod(issuer, types, options.TokenLifetime, time, logger);
    }
}
