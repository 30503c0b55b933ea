namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the payment handler to one named or typed client.</summary>
/// <remarks>
/// Every paying client shares the one configuration and budget registered with <c>AddMpp(...)</c>; there is deliberately
/// no per-client overload taking options, because it would look per-client while configuring the shared budget.
/// </remarks>
public static class MppHttpClientBuilderExtensions
{
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
}
