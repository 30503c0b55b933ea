using System.Text.Json;

namespace Mpp.Client.Methods;

/// <summary>What a payment method returns: the credential <c>payload</c> object, an optional payer <c>source</c>, and the wallet's own reference.</summary>
public sealed class PaymentPayload
{
    /// <summary>Creates a payload.</summary>
    /// <param name="payload">The method-specific proof, a JSON object. A bearer secret: never logged.</param>
    /// <param name="source">The payer identifier (a string such as a DID, or an object), or <see langword="null"/>.</param>
    public PaymentPayload(JsonElement payload, JsonElement? source = null)
    {
        Payload = payload;
        Source = source;
    }

    /// <summary>The method-specific proof, a JSON object. A bearer secret: never logged.</summary>
    public JsonElement Payload { get; }

    /// <summary>The payer identifier, or <see langword="null"/>.</summary>
    public JsonElement? Source { get; }

    /// <summary>
    /// The wallet's reference for the payment (a transaction hash, a payment hash), recorded in the ledger when the
    /// credential is sent so that an unknown outcome can be looked up later. Not a secret.
    /// </summary>
    public string? WalletReference { get; init; }
}
