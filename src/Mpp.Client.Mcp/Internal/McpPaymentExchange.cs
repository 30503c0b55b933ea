using System.Globalization;
using ModelContextProtocol.Protocol;
using Mpp.Client.Payments;
using Mpp.Client.Protocol;

namespace Mpp.Client.Mcp.Internal;

/// <summary>
/// The MCP side of a payment: resends the request with the credential in <c>params._meta</c> and classifies the answer.
/// Everything else (selection, policy, ledger, wallet, events, rounds) is <see cref="PaymentCoordinator"/>'s.
/// </summary>
internal sealed class McpPaymentExchange(PayingSessionTransport transport, JsonRpcRequest request, InFlightPayment payment) : IPaymentExchange
{
    /// <summary>The latest answer to a resend; null until one came.</summary>
    public JsonRpcMessage? LastAnswer { get; private set; }

    public async ValueTask<PaymentExchangeResult> SendAsync(Credential credential, CancellationToken cancellationToken)
    {
        RequestId id;
        Task<JsonRpcMessage?> pending;
        try
        {
            (id, pending) = await transport.SendPaidAsync(request, credential, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The message may have been partly written: the payee may hold the credential.
            return PaymentExchangeResult.Unknown("sending the paid request failed (" + ex.GetType().Name + ")");
        }

        payment.ResendId = id;
        JsonRpcMessage? answer;
        try
        {
            answer = await pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            transport.Forget(id);
            return PaymentExchangeResult.Unknown("cancelled after the credential was sent");
        }

        if (answer is not null)
        {
            LastAnswer = answer;
        }

        return Classify(answer);
    }

    internal static PaymentExchangeResult Classify(JsonRpcMessage? answer)
    {
        switch (answer)
        {
            case null:
                return PaymentExchangeResult.Unknown("the session closed before the paid request was answered");

            case JsonRpcResponse response:
                if (PayingSessionTransport.ReadChallenges(response) is { } again)
                {
                    // mppx's tool-result shape: payment required again, as a result.
                    return PaymentExchangeResult.Rejected(again.Problem, again.Problem?.PaymentNotTaken == true, again.Challenges);
                }

                var receipt = McpPaymentData.ReadReceipt(response.Result, out var receiptError);
                if (receipt is null && McpPaymentData.IsErrorResult(response.Result))
                {
                    // Servers on mppx's documented pattern turn -32043 and other payment errors into isError tool results,
                    // with no challenge and no code to trust: not proof that the payment was not taken.
                    return PaymentExchangeResult.Rejected(null, notTaken: false, reason: "the server answered an error tool result without a receipt");
                }

                return PaymentExchangeResult.Accepted(receipt, receiptError);

            case JsonRpcError error:
                var data = McpPaymentData.ToElement(error.Error.Data);
                McpPaymentData.TryReadChallenges(data, out var fresh, out var problem);
                switch (error.Error.Code)
                {
                    case McpPaymentMeta.PaymentRequiredCode:
                        return PaymentExchangeResult.Rejected(problem, problem?.PaymentNotTaken == true, fresh);
                    case McpPaymentMeta.PaymentVerificationFailedCode:
                        // The draft: verification failed, with a fresh challenge; the payee's own answer that it took nothing.
                        problem ??= PaymentProblem.Create(PaymentProblem.TypeUri(PaymentProblemType.VerificationFailed), "Payment Verification Failed", 402, Failure(data));
                        return PaymentExchangeResult.Rejected(problem, notTaken: true, fresh);
                    case -32602:
                        // The draft: a malformed credential is answered "Invalid params".
                        return PaymentExchangeResult.Rejected(
                            PaymentProblem.Create(PaymentProblem.TypeUri(PaymentProblemType.MalformedCredential), "Invalid params", 402), notTaken: true);
                    default:
                        return PaymentExchangeResult.Unknown("JSON-RPC error " + error.Error.Code.ToString(CultureInfo.InvariantCulture) + " after the credential was sent");
                }

            default:
                return PaymentExchangeResult.Unknown("unexpected answer " + answer.GetType().Name);
        }
    }

    private static string? Failure(System.Text.Json.JsonElement? data) =>
        data is { ValueKind: System.Text.Json.JsonValueKind.Object } d && d.TryGetProperty("failure", out var f)
            && f.ValueKind == System.Text.Json.JsonValueKind.Object && f.TryGetProperty("detail", out var detail)
            && detail.ValueKind == System.Text.Json.JsonValueKind.String
            ? detail.GetString()
            : null;
}
