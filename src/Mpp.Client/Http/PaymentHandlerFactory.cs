using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mpp.Client.Http;

/// <summary>Creates <see cref="PaymentHandler"/> instances for the HTTP client factory, sharing one <see cref="PaymentFlow"/>.</summary>
internal sealed class PaymentHandlerFactory(PaymentFlow flow, ILogger<PaymentHandler>? logger = null)
{
    /// <param name="clientBudget">The client whose own budget applies on top of the shared one, if any.</param>
    public PaymentHandler Create(string? clientBudget = null) => new(flow, logger ?? NullLogger<PaymentHandler>.Instance, clientBudget);
}
