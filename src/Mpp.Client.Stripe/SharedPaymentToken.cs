using System.Text.Json;

namespace Mpp.Client.Stripe;

/// <summary>A minted Shared Payment Token: its id (<c>spt_…</c>), its status and, when the payer must act, the next action.</summary>
public sealed class SharedPaymentToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="id">The token id, starting with <c>spt_</c>.</param>
    /// <param name="status"><c>active</c>, <c>requires_action</c> or <c>deactivated</c>.</param>
    /// <param name="nextAction">Stripe's <c>next_action</c> object when <paramref name="status"/> is <c>requires_action</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> does not start with <c>spt_</c>, or the status is empty.</exception>
    public SharedPaymentToken(string id, string status, JsonElement? nextAction = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(status);
        if (!id.StartsWith("spt_", StringComparison.Ordinal))
        {
            throw new ArgumentException("A Shared Payment Token id starts with spt_.", nameof(id));
        }

        Id = id;
        Status = status;
        NextAction = nextAction?.Clone();
    }

    /// <summary>The token id (a bearer credential for the seller: never logged).</summary>
    public string Id { get; }

    /// <summary><c>active</c>, <c>requires_action</c> or <c>deactivated</c>.</summary>
    public string Status { get; }

    /// <summary>Stripe's <c>next_action</c> when the payer must act (a URL to visit, an SDK action), else null.</summary>
    public JsonElement? NextAction { get; }

    /// <inheritdoc/>
    public override string ToString() => $"SharedPaymentToken {{ Status = {Status} }}";
}
