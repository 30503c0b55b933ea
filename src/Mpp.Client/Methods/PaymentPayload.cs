using System.Text.Json;

namespace Mpp.Client.Methods;

/// <summary>What a payment method returns: the credential <c>payload</c> object and an optional payer <c>source</c>.</summary>
/// <param name="Payload">The method-specific proof, a JSON object. A bearer secret: never logged.</param>
/// <param name="Source">The payer identifier (string such as a DID, or an object), or <see langword="null"/>.</param>
public sealed record PaymentPayload(JsonElement Payload, JsonElement? Source = null);
