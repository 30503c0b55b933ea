using System.Text;
using Mpp.Client.Protocol;

namespace Mpp.Client.Tests.Protocol;

public sealed class PaymentProblemTests
{
    [Theory]
    [InlineData("payment-required", PaymentProblemType.PaymentRequired)]
    [InlineData("payment-insufficient", PaymentProblemType.PaymentInsufficient)]
    [InlineData("payment-expired", PaymentProblemType.PaymentExpired)]
    [InlineData("verification-failed", PaymentProblemType.VerificationFailed)]
    [InlineData("method-unsupported", PaymentProblemType.MethodUnsupported)]
    [InlineData("malformed-credential", PaymentProblemType.MalformedCredential)]
    [InlineData("invalid-challenge", PaymentProblemType.InvalidChallenge)]
    [InlineData("bad-request", PaymentProblemType.BadRequest)]
    [InlineData("invalid-payload", PaymentProblemType.InvalidPayload)]
    [InlineData("internal-payment-error", PaymentProblemType.InternalPaymentError)]
    [InlineData("payment-action-required", PaymentProblemType.PaymentActionRequired)]
    public void Classify_maps_the_spec_problem_types(string suffix, PaymentProblemType expected)
    {
        Assert.Equal(expected, PaymentProblem.Classify(PaymentProblem.ProblemBaseUri + suffix));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("about:blank")]
    [InlineData("https://paymentauth.org/problems/")]
    [InlineData("https://paymentauth.org/problems/something-new")]
    [InlineData("https://paymentauth.org/problems/Verification-Failed")]
    [InlineData("https://paymentauth.org/problems/verification-failed/")]
    [InlineData("https://evil.example/problems/verification-failed")]
    [InlineData("http://paymentauth.org/problems/verification-failed")]
    [InlineData("verification-failed")]
    public void Classify_returns_unknown_for_anything_else(string? type)
    {
        Assert.Equal(PaymentProblemType.Unknown, PaymentProblem.Classify(type));
    }

    [Theory]
    [InlineData("verification-failed", true)]
    [InlineData("invalid-challenge", true)]
    [InlineData("malformed-credential", true)]
    [InlineData("payment-expired", true)]
    [InlineData("invalid-payload", true)]
    [InlineData("payment-insufficient", false)]
    [InlineData("internal-payment-error", false)]
    [InlineData("payment-required", false)]
    [InlineData("unknown-thing", false)]
    public void Only_problems_that_prove_no_payment_was_taken_allow_a_retry(string suffix, bool notTaken)
    {
        var problem = PaymentProblem.TryParse(Encoding.UTF8.GetBytes($"{{\"type\":\"{PaymentProblem.ProblemBaseUri}{suffix}\",\"status\":402}}"));
        Assert.Equal(notTaken, problem!.PaymentNotTaken);
    }

    [Fact]
    public void TryParse_reads_members_and_keeps_extensions()
    {
        var problem = PaymentProblem.TryParse(Encoding.UTF8.GetBytes(
            "{\"type\":\"https://paymentauth.org/problems/verification-failed\",\"title\":\"Verification failed\",\"status\":402,"
            + "\"detail\":\"bad signature\",\"challengeId\":\"ch_1\",\"retryAfter\":3}"))!;

        Assert.Equal(PaymentProblemType.VerificationFailed, problem.Kind);
        Assert.Equal("Verification failed", problem.Title);
        Assert.Equal(402, problem.Status);
        Assert.Equal("bad signature", problem.Detail);
        Assert.Equal("ch_1", problem.ChallengeId);
        Assert.Equal(3, problem.Raw.GetProperty("retryAfter").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"type\":")]
    public void TryParse_returns_null_for_non_objects(string body)
    {
        Assert.Null(PaymentProblem.TryParse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void TryParse_tolerates_members_of_the_wrong_type()
    {
        var problem = PaymentProblem.TryParse("{\"type\":5,\"status\":\"402\",\"title\":null}"u8)!;
        Assert.Null(problem.Type);
        Assert.Null(problem.Status);
        Assert.Null(problem.Title);
        Assert.Equal(PaymentProblemType.Unknown, problem.Kind);
    }

    [Fact]
    public void Create_builds_the_problem_object()
    {
        var problem = PaymentProblem.Create(PaymentProblem.ProblemBaseUri + "invalid-challenge", "Invalid challenge", 402, challengeId: "ch_9");
        Assert.Equal(PaymentProblemType.InvalidChallenge, problem.Kind);
        Assert.Equal("ch_9", problem.Raw.GetProperty("challengeId").GetString());
        Assert.False(problem.Raw.TryGetProperty("detail", out _));
    }
}
