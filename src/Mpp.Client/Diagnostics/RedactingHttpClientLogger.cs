using System.Net.Http;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Mpp.Client.Diagnostics;

/// <summary>
/// Replaces the HTTP client factory's default request logging on clients that pay. The default logger exposes raw header
/// values in its structured log state (only its formatted message is redacted), so a structured log sink would receive
/// <c>Authorization: Payment …</c>. This logger records method, URI without query, status and duration — never a header.
/// </summary>
internal sealed partial class RedactingHttpClientLogger(ILogger<RedactingHttpClientLogger> logger) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request)
    {
        LogStart(logger, request.Method.Method, Safe(request.RequestUri));
        return null;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        LogStop(logger, request.Method.Method, Safe(request.RequestUri), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        LogFailed(logger, request.Method.Method, Safe(request.RequestUri), elapsed.TotalMilliseconds, exception.GetType().Name);

    private static string Safe(Uri? uri) => uri is null ? "-" : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : "-";

    [LoggerMessage(100, LogLevel.Debug, "Sending HTTP request {HttpMethod} {Uri}")]
    private static partial void LogStart(ILogger logger, string httpMethod, string uri);

    [LoggerMessage(101, LogLevel.Debug, "HTTP request {HttpMethod} {Uri} answered {StatusCode} after {ElapsedMilliseconds}ms")]
    private static partial void LogStop(ILogger logger, string httpMethod, string uri, int statusCode, double elapsedMilliseconds);

    [LoggerMessage(102, LogLevel.Debug, "HTTP request {HttpMethod} {Uri} failed after {ElapsedMilliseconds}ms: {ExceptionType}")]
    private static partial void LogFailed(ILogger logger, string httpMethod, string uri, double elapsedMilliseconds, string exceptionType);
}
