using Mpp.Client.Protocol;
using Mpp.Client.Testing;

namespace Mpp.Client.Tempo.Testing.Tests.Support;

internal static class Refusal
{
    /// <summary>The credential was refused with a 402 of <paramref name="problem"/> whose detail names the rule.</summary>
    public static void Assert(CredentialVerification verification, string detail, PaymentProblemType problem = PaymentProblemType.VerificationFailed)
    {
        Xunit.Assert.False(verification.Succeeded, $"expected a refusal, got {verification}");
        Xunit.Assert.Equal(402, verification.StatusCode);
        Xunit.Assert.Equal(problem, verification.Problem);
        Xunit.Assert.Contains(detail, verification.Detail, StringComparison.Ordinal);
    }
}
