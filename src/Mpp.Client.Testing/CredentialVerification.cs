using Microsoft.AspNetCore.Http;
using Mpp.Client.Protocol;

namespace Mpp.Client.Testing;

/// <summary>
/// How an <see cref="MppTestServer"/> answered a credential (<see cref="MppTestServer.VerifyAsync"/>, and every paid request
/// over HTTP): the payment accepted with its receipt, or refused with a problem type.
/// </summary>
public sealed class CredentialVerification
{
    private CredentialVerification(int statusCode, PaymentProblemType? problem, string? detail, PaymentReceipt? receipt, RecordedPayment? payment)
    {
        StatusCode = statusCode;
        Problem = problem;
        Detail = detail;
        Receipt = receipt;
        Payment = payment;
    }

    /// <summary>True when the payment was accepted (settled now, or earlier for a replay of the same idempotent request).</summary>
    public bool Succeeded => Payment is not null;

    /// <summary>
    /// The HTTP status of the answer: 200 when accepted (a route may redirect instead), 402 when the credential is refused
    /// (with a fresh challenge), 500 when a verifier failed, or the status a route forces (<see cref="PaidRouteOptions.ForcedStatusCode"/>).
    /// </summary>
    public int StatusCode { get; }

    /// <summary>
    /// The problem type of a refusal; <see langword="null"/> when accepted, or for a forced status other than 500 (whose
    /// problem is <c>about:blank</c>).
    /// </summary>
    public PaymentProblemType? Problem { get; }

    /// <summary>The problem <c>detail</c> of a refusal, or <see langword="null"/> when accepted.</summary>
    public string? Detail { get; }

    /// <summary>
    /// The receipt of an accepted payment (also when the route leaves the <c>Payment-Receipt</c> header out), or
    /// <see langword="null"/>.
    /// </summary>
    public PaymentReceipt? Receipt { get; }

    /// <summary>The payment recorded in <see cref="MppTestServer.Payments"/> when accepted, or <see langword="null"/>.</summary>
    public RecordedPayment? Payment { get; }

    /// <inheritdoc />
    public override string ToString() => Succeeded
        ? $"Accepted: {Payment}"
        : $"Refused ({StatusCode}{(Problem is { } p ? ", " + p : string.Empty)}): {Detail}";

    internal static CredentialVerification Accepted(PaymentReceipt receipt, RecordedPayment payment) =>
        new(StatusCodes.Status200OK, null, null, receipt, payment);

    internal static CredentialVerification Refused(PaymentProblemType problem, string detail) =>
        new(StatusCodes.Status402PaymentRequired, problem, detail, null, null);

    internal static CredentialVerification Failed(int statusCode, PaymentProblemType? problem, string detail) =>
        new(statusCode, problem, detail, null, null);
}
