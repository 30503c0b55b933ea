namespace Mpp.Client.Tempo.Transactions;

/// <summary>What <see cref="TempoTransactionDecoder"/> read: the fields, the sender signature if any, and, in the 0x78
/// hand-off form, the sender address written in the fee-payer slot.</summary>
internal sealed record DecodedTempoTransaction(TempoTransaction Transaction, TempoSignature? Signature, string? HandoffSender);
