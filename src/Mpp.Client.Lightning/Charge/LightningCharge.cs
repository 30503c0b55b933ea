using Mpp.Client.Lightning.Invoices;

namespace Mpp.Client.Lightning.Charge;

/// <summary>A checked lightning/charge request: the amount in sat, the decoded invoice and the effective expiry.</summary>
internal sealed record LightningCharge(long AmountSat, Bolt11Invoice Invoice, DateTimeOffset ExpiresAt);
