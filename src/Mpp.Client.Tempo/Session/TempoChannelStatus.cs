namespace Mpp.Client.Tempo.Session;

/// <summary>Where a payment channel is in its life, as the payer knows it.</summary>
public enum TempoChannelStatus
{
    /// <summary>The open transaction was handed to the server; its answer is not known yet (or never came).</summary>
    Opening,

    /// <summary>The server accepted the open: vouchers can be sent.</summary>
    Open,

    /// <summary>A close was sent; the server's answer is not known yet.</summary>
    Closing,

    /// <summary>Closed (the server settled and refunded), or found gone: never used again.</summary>
    Closed,
}
