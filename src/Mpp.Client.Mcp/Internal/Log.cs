using Microsoft.Extensions.Logging;
using Mpp.Client.Http;

namespace Mpp.Client.Mcp.Internal;

/// <summary>The package's logs: method, resource, counts and outcomes; never a credential.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "MCP {RpcMethod} {Resource} requires payment ({Count} challenge(s)).")]
    public static partial void PaymentRequired(ILogger logger, string rpcMethod, Uri resource, int count);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "MCP {RpcMethod} {Resource}: payment {Status} ({Code}).")]
    public static partial void PaymentFinished(ILogger logger, string rpcMethod, Uri resource, PaymentStatus status, MppErrorCode? code);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "MCP {RpcMethod} {Resource}: the payment failed unexpectedly ({ErrorType}).")]
    public static partial void PaymentCrashed(ILogger logger, string rpcMethod, Uri resource, string errorType);
}
