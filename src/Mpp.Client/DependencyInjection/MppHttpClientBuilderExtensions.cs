using Microsoft.Extensions.Configuration;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the payment handler to one named or typed client.</summary>
public static class MppHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds the payment handler to this client. The Mpp services are registered with default options when
    /// <c>AddMpp</c> was not called; call <c>AddMpp(...)</c> to configure budgets and methods.
    /// </summary>
    public static IHttpClientBuilder AddMppPayments(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMpp();
        return builder.AddMppPaymentHandler();
    }

    /// <summary>Registers the Mpp services with options from <paramref name="configuration"/> and adds the payment handler to this client.</summary>
    public static IHttpClientBuilder AddMppPayments(this IHttpClientBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMpp(configuration);
        return builder.AddMppPaymentHandler();
    }

    /// <summary>Registers the Mpp services configured in code and adds the payment handler to this client.</summary>
    public static IHttpClientBuilder AddMppPayments(this IHttpClientBuilder builder, Action<MppOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMpp(configure);
        return builder.AddMppPaymentHandler();
    }
}
