using Mpp.Client.Protocol;

namespace Mpp.Client.Http;

/// <summary>The core spec's <c>Payment</c> HTTP authentication scheme (draft-httpauth-payment-02), always registered first.</summary>
internal sealed class PaymentAuthScheme : IHttpPaymentScheme
{
    public static PaymentAuthScheme Instance { get; } = new();

    public string Name => Challenge.PaymentScheme;

    public IReadOnlyCollection<string> SensitiveHeaders { get; } = ["Authorization", Challenge.PaymentAuthorizationHeader];

    public ValueTask ReadChallengesAsync(HttpResponseMessage response, ICollection<ChallengeParseResult> challenges, CancellationToken cancellationToken)
    {
        foreach (var c in ChallengeParser.Parse(response))
        {
            challenges.Add(c);
        }

        return default;
    }

    public void ApplyCredential(HttpRequestMessage request, Credential credential)
    {
        // Never two Payment credentials in one request (core spec § "Credentials").
        RemoveCredential(request);
        if (credential.Challenge.CredentialHeaderName == Challenge.PaymentAuthorizationHeader)
        {
            request.Headers.TryAddWithoutValidation(Challenge.PaymentAuthorizationHeader, credential.ToHeaderValue());
        }
        else
        {
            request.Headers.Remove("Authorization");
            request.Headers.TryAddWithoutValidation("Authorization", credential.ToHeaderValue());
        }
    }

    public void RemoveCredential(HttpRequestMessage request)
    {
        request.Headers.Remove(Challenge.PaymentAuthorizationHeader);
        if (request.Headers.NonValidated.TryGetValues("Authorization", out var values))
        {
            foreach (var v in values)
            {
                if (v.StartsWith("Payment ", StringComparison.OrdinalIgnoreCase))
                {
                    request.Headers.Remove("Authorization");
                    break;
                }
            }
        }
    }

    public PaymentReceipt? ReadReceipt(HttpResponseMessage response, out string? error)
    {
        error = null;
        if (!response.Headers.NonValidated.TryGetValues("Payment-Receipt", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            try
            {
                return PaymentReceipt.Parse(value);
            }
            catch (MppFormatException ex)
            {
                error ??= ex.Message;
            }
        }

        return null;
    }
}
