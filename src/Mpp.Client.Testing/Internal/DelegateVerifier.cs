using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>The verifier of <see cref="MppTestServerOptions.AddVerifier(string, Func{Credential, PaymentVerificationResult})"/>.</summary>
internal sealed class DelegateVerifier(string method, Func<Credential, PaymentVerificationResult> verify) : ITestPaymentVerifier
{
    public string Method { get; } = method;

    public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Request);

    public ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(verify(credential));
}
