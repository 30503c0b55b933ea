using System.Text.Json;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>
/// The built-in <c>test</c> method, registered by default: the price's request as is, and a payload
/// <c>{"token": "&lt;token&gt;"}</c> whose token is <see cref="MppTestServerOptions.TestToken"/>.
/// </summary>
internal sealed class TestMethodVerifier(string token) : ITestPaymentVerifier
{
    public string Method => PriceOption.TestMethod;

    public ValueTask<JsonElement> CreateRequestAsync(ChallengeRequestContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Request);

    public ValueTask<PaymentVerificationResult> VerifyAsync(Credential credential, PaymentVerificationContext context, CancellationToken cancellationToken)
    {
        var payload = credential.Payload;
        if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("token", out var value) || value.ValueKind != JsonValueKind.String)
        {
            return ValueTask.FromResult(PaymentVerificationResult.Failure(PaymentProblemType.InvalidPayload, "The test payload must be {\"token\": \"<string>\"}."));
        }

        return ValueTask.FromResult(string.Equals(value.GetString(), token, StringComparison.Ordinal)
            ? PaymentVerificationResult.Success()
            : PaymentVerificationResult.Failure(PaymentProblemType.VerificationFailed, "The test token is not valid."));
    }
}
