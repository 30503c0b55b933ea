using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mpp.Conformance;

/// <summary>One operation of the harness ABI.</summary>
/// <param name="ErrorType">The error type reported when the input is rejected (one of <see cref="AdapterErrorType"/>).</param>
/// <param name="Run">
/// Runs the operation on its <c>input</c> (<see cref="JsonValueKind.Undefined"/> when the request has none) and returns the
/// success <c>value</c>; rejects input by throwing <see cref="AdapterException"/> or an SDK exception.
/// </param>
internal sealed record AdapterOperation(string ErrorType, Func<JsonElement, CancellationToken, ValueTask<JsonNode?>> Run);
