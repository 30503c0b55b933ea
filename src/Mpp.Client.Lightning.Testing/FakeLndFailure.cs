namespace Mpp.Client.Lightning.Testing;

/// <summary>How <see cref="FakeLndNode"/> fails the next payment (<see cref="FakeLndNode.FailNext"/>).</summary>
public enum FakeLndFailure
{
    /// <summary>The payment fails with <c>FAILURE_REASON_NO_ROUTE</c>.</summary>
    NoRoute,

    /// <summary>The payment fails with <c>FAILURE_REASON_INSUFFICIENT_BALANCE</c>.</summary>
    InsufficientBalance,

    /// <summary>The payment fails with <c>FAILURE_REASON_TIMEOUT</c>.</summary>
    Timeout,

    /// <summary>The payment fails with <c>FAILURE_REASON_INCORRECT_PAYMENT_DETAILS</c>.</summary>
    IncorrectPaymentDetails,

    /// <summary>The node answers 500 with a gRPC error and pays nothing.</summary>
    InternalError,

    /// <summary>The node pays (the invoice is settled) and then drops the connection before answering: an ambiguous outcome.</summary>
    DropAfterPaying,

    /// <summary>The node drops the connection without paying.</summary>
    DropBeforePaying,
}
