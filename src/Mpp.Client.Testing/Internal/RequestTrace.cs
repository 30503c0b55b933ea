using Mpp.Client.Protocol;

namespace Mpp.Client.Testing.Internal;

/// <summary>What the dispatcher and the handlers learn about one request, recorded when the response starts.</summary>
internal sealed class RequestTrace
{
    public required DateTimeOffset ReceivedAt { get; init; }

    public required byte[] Body { get; init; }

    /// <summary>The Payment credentials found, as (field, value); values are secrets and never recorded.</summary>
    public required IReadOnlyList<(string Field, string Value)> Credentials { get; init; }

    public string? ChallengeId { get; set; }

    public PaymentProblemType? Problem { get; set; }
}
