namespace Mpp.Client.Http;

/// <summary>
/// Makes a request body safe to send again: buffered contents are kept as they are, anything else is loaded into a buffer;
/// a one-shot stream that was already consumed is refused with <see cref="MppErrorCode.BodyNotReplayable"/>, never resent empty.
/// </summary>
internal static class RequestBody
{
    /// <summary>The largest body the handler buffers in order to resend it.</summary>
    public const int MaxBufferedBytes = 32 * 1024 * 1024;

    public static async Task<ReadOnlyMemory<byte>> PrepareAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = request.Content;
        if (content is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        try
        {
            if (!IsReplayable(content))
            {
                await content.LoadIntoBufferAsync(MaxBufferedBytes, cancellationToken).ConfigureAwait(false);
            }

            return await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or NotSupportedException or ObjectDisposedException)
        {
            throw new PaymentException(
                MppErrorCode.BodyNotReplayable,
                $"The request body ({content.GetType().Name}) was consumed by the first send and cannot be sent again with a payment. " +
                "Use a buffered content (ByteArrayContent, StringContent, JsonContent), a seekable stream, or call LoadIntoBufferAsync before sending.",
                null,
                ex);
        }
    }

    private static bool IsReplayable(HttpContent content) => content switch
    {
        ByteArrayContent or ReadOnlyMemoryContent => true,
        MultipartContent multipart => multipart.All(IsReplayable),
        _ => false,
    };
}
