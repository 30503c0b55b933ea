using Mpp.Client.TestSupport;
using Mpp.Client.Tempo.Tests.Support;

namespace Mpp.Client.Tempo.Tests.Interop;

/// <summary>
/// A fake Tempo chain on loopback (real clock) and the reference SDK's own tempo charge method (npm mppx 0.11.0, pinned
/// in interop/mppx/package-lock.json) served by <c>interop/mppx/tempo-server.mjs</c>, pointed at that chain. Installs
/// the pinned packages with <c>npm ci</c> when they are missing.
/// </summary>
public sealed class MppxTempoServerFixture : IAsyncLifetime
{
    public const string Realm = "mppx-tempo-interop";

    private NodeServer? _server;

    internal FakeTempoChain Chain { get; private set; } = null!;

    public Uri BaseAddress => _server!.BaseAddress;

    public string Recipient { get; } = TestPayer.NewAddress();

    public string SplitRecipient { get; } = TestPayer.NewAddress();

    /// <summary>The test-only key mppx co-signs sponsored transactions with.</summary>
    private static readonly string FeePayerKeyHex = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The address of the test-only key mppx co-signs sponsored transactions with.</summary>
    public string FeePayer { get; } = Keys.TempoPrivateKey.FromHex(FeePayerKeyHex).Address;

    public string ServerLog => _server?.Log ?? string.Empty;

    public async Task InitializeAsync()
    {
        Chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        _server = await NodeServer.StartAsync(
            Path.Combine(RepositoryRoot.Path, "interop", "mppx"),
            ["mppx"],
            "tempo-server.mjs", "--rpc-url", Chain.Endpoint.ToString(), "--recipient", Recipient, "--split-recipient", SplitRecipient,
            "--chain-id", Chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--realm", Realm, "--fee-payer-key", FeePayerKeyHex);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Chain is not null)
        {
            await Chain.DisposeAsync();
        }
    }
}
