using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Mpp.Client.Mcp.Internal;
using Mpp.Client.Payments;

namespace Mpp.Client.Mcp;

/// <summary>
/// A client transport that pays: wrap any <see cref="IClientTransport"/> (stdio, streamable HTTP, a stream) and hand it to
/// <see cref="McpClient.CreateAsync"/>; the <see cref="McpClient"/> is then used as usual. When the server answers
/// <c>tools/call</c>, <c>resources/read</c> or <c>prompts/get</c> with <c>-32042</c> and <c>data.challenges</c>, the
/// request is paid with <see cref="PaymentCoordinator"/> (the same wallets, policy, approver, ledger and events as HTTP)
/// and resent with the credential in <c>params._meta["org.paymentauth/credential"]</c>; the caller gets the paid result
/// (its receipt in <c>result._meta</c>, read with <see cref="McpPaymentResultExtensions.GetPaymentReceipt"/>) or an
/// <see cref="ModelContextProtocol.McpProtocolException"/> saying why it was not paid
/// (<see cref="McpPaymentResultExtensions.GetPaymentFailure"/>).
/// </summary>
public sealed class McpPaymentTransport : IClientTransport, IAsyncDisposable
{
    private readonly IClientTransport _inner;
    private readonly PaymentCoordinator _coordinator;
    private readonly McpPaymentOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a paying transport around <paramref name="inner"/>.</summary>
    /// <param name="inner">The transport to the MCP server.</param>
    /// <param name="coordinator">The payment core (from DI, registered by <c>AddMpp</c>).</param>
    /// <param name="options">How to pay; null for the defaults.</param>
    /// <param name="loggerFactory">Logs (never a credential); null for none.</param>
    public McpPaymentTransport(IClientTransport inner, PaymentCoordinator coordinator, McpPaymentOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(coordinator);
        _inner = inner;
        _coordinator = coordinator;
        _options = options ?? new McpPaymentOptions();
        _logger = (ILogger?)loggerFactory?.CreateLogger<McpPaymentTransport>() ?? NullLogger.Instance;
        if (_options.Server is { } server && !server.IsAbsoluteUri)
        {
            throw new ArgumentException("McpPaymentOptions.Server must be an absolute URI.", nameof(options));
        }
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var session = await _inner.ConnectAsync(cancellationToken).ConfigureAwait(false);
        return new PayingSessionTransport(session, _coordinator, _options, ServerUri(), _logger);
    }

    /// <summary>Disposes the inner transport when it is disposable (e.g. <see cref="HttpClientTransport"/>).</summary>
    public ValueTask DisposeAsync() => _inner is IAsyncDisposable d ? d.DisposeAsync() : default;

    private Uri ServerUri()
    {
        if (_options.Server is { } s)
        {
            return s.AbsoluteUri.EndsWith('/') ? s : new Uri(s.AbsoluteUri + "/");
        }

        // HttpClientTransport is named after its endpoint: the endpoint names the server.
        if (Uri.TryCreate(_inner.Name, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https")
        {
            return new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        }

        var host = new StringBuilder();
        foreach (var c in _inner.Name.ToLowerInvariant())
        {
            host.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        }

        var name = host.ToString().Trim('-', '.');
        return new Uri("mcp://" + (name.Length == 0 ? "server" : name) + "/");
    }
}
