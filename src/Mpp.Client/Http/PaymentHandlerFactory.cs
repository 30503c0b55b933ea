using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mpp.Client.Http;

/// <summary>Creates <see cref="PaymentHandler"/> instances for the HTTP client factory, sharing one <see cref="PaymentFlow"/>.</summary>
internal sealed class PaymentHandlerFactory(PaymentFlow flow, ILogger<PaymentHandler>? logger = null)
{
    public PaymentHandler Create() => new(flow, logger ?? NullLogger<PaymentHandler>.Instance);
}
