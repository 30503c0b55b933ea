namespace Mpp.Client.X402.Internal;

/// <summary>A failed <c>authorizationState</c> lookup; the message never carries the endpoint.</summary>
internal sealed class X402RpcException(string message) : Exception(message);
