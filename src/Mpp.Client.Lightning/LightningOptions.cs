namespace Mpp.Client.Lightning;

/// <summary>The Lightning wallet's settings, bound from <c>Mpp:Lightning</c> by <c>AddLightning()</c>.</summary>
/// <remarks><see cref="ToString"/> never shows the macaroon.</remarks>
public sealed class LightningOptions
{
    /// <summary>The configuration section name under <c>Mpp</c>.</summary>
    public const string SectionName = "Lightning";

    /// <summary>
    /// The network this wallet pays on: <c>mainnet</c> (the default), <c>testnet</c>, <c>signet</c> or <c>regtest</c>. An
    /// invoice for another network is refused before the node is asked.
    /// </summary>
    public string Network { get; set; } = "mainnet";

    /// <summary>The LND node to pay through (REST). Not needed when an <c>ILightningNode</c> is registered.</summary>
    public LndOptions Lnd { get; set; } = new();

    /// <summary>
    /// The most a payment's routing fee may be, in satoshis (10 by default). It is reserved in the budget with the amount
    /// and trued up to the fee the node reports.
    /// </summary>
    public long MaxFeeSat { get; set; } = 10;

    /// <summary>Payee node ids (33-byte compressed keys, hex) this wallet pays; empty (the default) pays any payee your policy allows.</summary>
    public IList<string> AllowedPayees { get; } = new List<string>();

    /// <summary>How long the node may try to route a payment (60 seconds by default).</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The least time left before the challenge's effective expiry (the earlier of its <c>expires</c> and the invoice's)
    /// for a payment to start: an invoice that would expire before it could settle is refused. 10 seconds by default.
    /// </summary>
    public TimeSpan MinimumTimeToExpiry { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc/>
    public override string ToString() => $"LightningOptions {{ Network = {Network}, MaxFeeSat = {MaxFeeSat}, Lnd = {Lnd} }}";
}
