using System.Net;

namespace Mpp.Client.Tempo.Rpc;

/// <summary>The HTTP exchange with the node failed: a connection error or a non-success status.</summary>
internal sealed class TempoRpcHttpException : TempoRpcException
{
    public TempoRpcHttpException()
    {
    }

    public TempoRpcHttpException(string message)
        : base(message)
    {
    }

    public TempoRpcHttpException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, or null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>No answer at all, 408, 429 or a 5xx: asking again may succeed.</summary>
    public bool IsTransient => StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;
}
