namespace Mpp.Client.Testing;

/// <summary>An <see cref="Ledger.IPaymentLedger"/> broke one of the rules <see cref="LedgerConformance"/> checks.</summary>
public sealed class LedgerConformanceException : Exception
{
    /// <summary>Creates the exception for a broken rule.</summary>
    public LedgerConformanceException(string rule)
        : base("Ledger rule broken: " + rule)
    {
    }

    /// <summary>Creates the exception.</summary>
    public LedgerConformanceException()
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public LedgerConformanceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
