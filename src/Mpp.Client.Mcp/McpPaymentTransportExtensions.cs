using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using Mpp.Client.Payments;

namespace Mpp.Client.Mcp;

/// <summary>Wraps an MCP client transport so that its calls are paid with the payer configured by <c>AddMpp</c>.</summary>
public static class McpPaymentTransportExtensions
{
    /// <summary>
    /// A transport that pays through <paramref name="services"/>' <see cref="PaymentCoordinator"/> (registered by
    /// <c>AddMpp</c>): the same wallets, policy, budget, ledger and observers as the payer's HTTP clients.
    /// </summary>
    public static McpPaymentTransport WithMppPayments(this IClientTransport transport, IServiceProvider services, Action<McpPaymentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(services);
        var options = new McpPaymentOptions();
        configure?.Invoke(options);
        return new McpPaymentTransport(transport, services.GetRequiredService<PaymentCoordinator>(), options, services.GetService<ILoggerFactory>());
    }
}
