using Mpp.Client.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tempo.Session;

/// <summary>The registered <see cref="IPreemptivePayer"/>: pays with vouchers when sessions are on, does nothing otherwise.</summary>
internal sealed class TempoSessionPayerGate(Func<TempoSessionManager?> manager) : IPreemptivePayer
{
    private TempoSessionPayer? _payer;

    public IReadOnlyCollection<string> SensitiveHeaders { get; } = ["Authorization", Challenge.PaymentAuthorizationHeader];

    public ValueTask<bool> TryAttachAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Payer is { } payer ? payer.TryAttachAsync(request, cancellationToken) : new(false);

    public ValueTask OnResponseAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken) =>
        Payer is { } payer ? payer.OnResponseAsync(request, response, cancellationToken) : default;

    public PaymentOutcome? GetOutcome(HttpRequestMessage request, HttpResponseMessage response) =>
        Payer is { } payer ? payer.GetOutcome(request, response) : null;

    public bool ShouldResendWithout(HttpRequestMessage request, HttpResponseMessage response) =>
        Payer is { } payer && payer.ShouldResendWithout(request, response);

    private TempoSessionPayer? Payer => _payer ??= manager() is { } m ? new TempoSessionPayer(m) : null;
}
