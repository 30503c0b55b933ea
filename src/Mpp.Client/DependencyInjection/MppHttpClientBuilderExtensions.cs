using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Policy;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the payment handler to one named or typed client.</summary>
/// <remarks>
/// Every paying client shares the configuration and budget registered with <c>AddMpp(...)</c>. A client can add its own
/// caps on top (<see cref="AddMppPayments(IHttpClientBuilder, Action{BudgetOptions})"/>): its payments must fit both.
/// </remarks>
public static class MppHttpClientBuilderExtensions
{
    /// <summary>
    /// Takes the payment handler out of this client's pipeline when <c>AddMppPayments</c> put it on every client of the
    /// factory: for the clients a wallet itself calls (a chain node, a payment provider's API), which must never pay a
    /// 402 nor wait on a payment in progress. Its request logging is left as configured.
    /// </summary>
    /// <remarks>
    /// A wallet should also resolve <c>IHttpClientFactory</c> lazily (on first use, not in its constructor): the factory's
    /// options depend on the payment flow, which depends on the wallets.
    /// </remarks>
    public static IHttpClientBuilder WithoutMppPayments(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureAdditionalHttpMessageHandlers(static (handlers, _) =>
        {
            for (var i = handlers.Count - 1; i >= 0; i--)
            {
                if (handlers[i] is PaymentHandler)
                {
                    handlers.RemoveAt(i);
                }
            }
        });
    }

    /// <summary>
    /// Adds the payment handler to this client. Configure budgets and methods with <c>services.AddMpp(...)</c>; when it
    /// was not called, the defaults apply (and no payment is possible until a budget cap covers its unit).
    /// </summary>
    public static IHttpClientBuilder AddMppPayments(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMpp();
        return builder.AddMppPaymentHandler();
    }

    /// <summary>
    /// Adds the payment handler to this client with caps of its own, counted in the client's own ledger scope, on top of
    /// the shared budget (a payment must fit both). Validated at start, reloaded live.
    /// </summary>
    public static IHttpClientBuilder AddMppPayments(this IHttpClientBuilder builder, Action<BudgetOptions> clientBudget)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clientBudget);
        if (builder.Name is null)
        {
            throw new ArgumentException("A client budget needs a named or typed client (AddHttpClient(name) / AddHttpClient<T>()).", nameof(builder));
        }

        builder.Services.AddMpp();
        MppRegistrations.Of(builder.Services).AddClient(builder.Name, null);
        builder.Services.AddOptions<BudgetOptions>(builder.Name).Configure(clientBudget);
        return builder.AddMppPaymentHandler(builder.Name);
    }

    /// <summary>
    /// Adds the payment handler to this client with caps of its own bound from <paramref name="clientBudget"/> (the same
    /// shape as <c>Mpp:Budget</c>), on top of the shared budget. Validated at start, errors naming the section's path
    /// (<c>Agents:Writer:PerDay:usd</c>); an invalid reload keeps the caps in force. Binding the same section again is
    /// ignored; a different one for the same client fails at start.
    /// </summary>
    public static IHttpClientBuilder AddMppPayments(this IHttpClientBuilder builder, IConfiguration clientBudget)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clientBudget);
        if (builder.Name is null)
        {
            throw new ArgumentException("A client budget needs a named or typed client (AddHttpClient(name) / AddHttpClient<T>()).", nameof(builder));
        }

        builder.Services.AddMpp();
        builder.Services.AddOptions<BudgetOptions>(builder.Name);
        if (MppRegistrations.Of(builder.Services).AddClient(builder.Name, clientBudget))
        {
            var name = builder.Name;
            builder.Services.AddSingleton<IOptionsChangeTokenSource<BudgetOptions>>(new ConfigurationChangeTokenSource<BudgetOptions>(name, clientBudget));
            builder.Services.AddSingleton<IConfigureOptions<BudgetOptions>>(new ConfigureNamedOptions<BudgetOptions>(name, o => ConfigurationShape.Bind(clientBudget, o)));
        }

        return builder.AddMppPaymentHandler(builder.Name);
    }
}
