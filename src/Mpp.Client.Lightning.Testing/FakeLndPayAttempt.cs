namespace Mpp.Client.Lightning.Testing;

/// <summary>One <c>POST /v2/router/send</c> the fake node received (after its macaroon and body were checked).</summary>
/// <param name="PaymentRequest">The invoice.</param>
/// <param name="PaymentHash">Its payment hash, lowercase hex.</param>
/// <param name="FeeLimitSat">The fee limit sent.</param>
/// <param name="TimeoutSeconds">The timeout sent.</param>
public sealed record FakeLndPayAttempt(string PaymentRequest, string PaymentHash, long FeeLimitSat, int TimeoutSeconds);
