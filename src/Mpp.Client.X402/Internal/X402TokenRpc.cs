using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.X402.Internal;

/// <summary>
/// The one chain read the x402 wallet makes: EIP-3009's <c>authorizationState(address authorizer, bytes32 nonce)</c> on the
/// token, by <c>eth_call</c> at <c>latest</c>, over a named client that never pays 402s. Errors are
/// <see cref="X402RpcException"/>s whose messages never carry the endpoint (it may hold an API key).
/// </summary>
internal sealed class X402TokenRpc(Func<HttpClient> http, IReadOnlyDictionary<long, Uri> endpoints)
{
    /// <summary>The named <see cref="HttpClient"/> the lookups go through.</summary>
    public const string HttpClientName = "Mpp.X402.Rpc";

    /// <summary>The largest JSON-RPC answer read.</summary>
    private const int MaxResponseBytes = 64 * 1024;

    /// <summary><c>keccak256("authorizationState(address,bytes32)")[0..4]</c>.</summary>
    private static readonly byte[] Selector = Keccak.Hash("authorizationState(address,bytes32)")[..4];

    public bool Covers(long chainId) => endpoints.ContainsKey(chainId);

    /// <summary>True when the token has marked <paramref name="nonce"/> of <paramref name="authorizer"/> used (transferred or cancelled).</summary>
    public async ValueTask<bool> AuthorizationUsedAsync(long chainId, string token, string authorizer, string nonce, CancellationToken cancellationToken)
    {
        var endpoint = endpoints[chainId];
        var data = new byte[4 + 32 + 32];
        Selector.CopyTo(data, 0);
        Hex.Decode(authorizer).CopyTo(data, 4 + 12);
        Hex.Decode(nonce).CopyTo(data, 36);
        var body = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc"u8, "2.0"u8);
            w.WriteNumber("id"u8, 1);
            w.WriteString("method"u8, "eth_call"u8);
            w.WriteStartArray("params"u8);
            w.WriteStartObject();
            w.WriteString("to"u8, token);
            w.WriteString("data"u8, Hex.Encode(data));
            w.WriteEndObject();
            w.WriteStringValue("latest"u8);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        using var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await http().PostAsync(endpoint, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new X402RpcException($"The x402 RPC node of chain {chainId} could not be reached ({e.HttpRequestError}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new X402RpcException($"The x402 RPC node of chain {chainId} timed out.");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new X402RpcException($"The x402 RPC node of chain {chainId} answered HTTP {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength is > MaxResponseBytes)
            {
                throw new X402RpcException($"The x402 RPC node of chain {chainId} answered more than {MaxResponseBytes} bytes.");
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return bytes.Length <= MaxResponseBytes ? ReadBool(bytes, chainId) : throw new X402RpcException($"The x402 RPC node of chain {chainId} answered more than {MaxResponseBytes} bytes.");
        }
    }

    /// <summary>The ABI bool of an <c>eth_call</c> answer: <c>result</c> is 32 bytes of hex, 0 or 1.</summary>
    private static bool ReadBool(byte[] json, long chainId)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out _))
            {
                throw new X402RpcException($"The x402 RPC node of chain {chainId} refused the authorizationState call.");
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.String
                || result.GetString() is not { Length: 66 } hex || !hex.StartsWith("0x", StringComparison.Ordinal))
            {
                throw new X402RpcException($"The x402 RPC node of chain {chainId} answered the authorizationState call with something other than a 32-byte word.");
            }

            var word = Hex.Decode(hex);
            if (word.AsSpan(0, 31).ContainsAnyExcept((byte)0) || word[31] > 1)
            {
                throw new X402RpcException($"The x402 RPC node of chain {chainId} answered the authorizationState call with a word that is not a bool.");
            }

            return word[31] == 1;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new X402RpcException($"The x402 RPC node of chain {chainId} answered the authorizationState call with malformed JSON-RPC.");
        }
    }
}
