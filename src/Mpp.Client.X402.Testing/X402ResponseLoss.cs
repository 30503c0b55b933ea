namespace Mpp.Client.X402.Testing;

/// <summary>Whether an <see cref="X402TestRoute"/> loses its answer to a payment (the connection is dropped), and when.</summary>
public enum X402ResponseLoss
{
    /// <summary>Every payment is answered.</summary>
    None,

    /// <summary>The connection drops before the payment is verified: nothing is settled, the nonce stays unused.</summary>
    BeforeSettlement,

    /// <summary>The payment is verified and settled (its nonce used), then the connection drops before the answer.</summary>
    AfterSettlement,
}
