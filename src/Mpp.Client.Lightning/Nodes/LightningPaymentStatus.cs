namespace Mpp.Client.Lightning.Nodes;

/// <summary>Where a Lightning payment is.</summary>
public enum LightningPaymentStatus
{
    /// <summary>HTLCs are out; the outcome is not known yet.</summary>
    InFlight,

    /// <summary>The payee settled: the preimage is known.</summary>
    Succeeded,

    /// <summary>The payment failed for good; no money moved.</summary>
    Failed,
}
