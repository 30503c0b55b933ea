using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using Mpp.Client.Ledger.Sqlite;
using Mpp.Client.Tempo.Session;
using Mpp.Client.Tempo.Testing;
using Mpp.Client.Testing;
using Mpp.Client.TestSupport;

namespace Mpp.Client.Tempo.Tests.Session;

/// <summary>
/// Crash safety (issue: "kill the client process after signing a voucher and before sending it; on restart it continues
/// from the persisted cumulative amount"): the agent (tests/Mpp.Client.Tempo.SessionAgent) pays through a SQLite ledger
/// and a file-backed channel store, or the ledger's own database as the channel store, is SIGKILLed holding a signed
/// voucher, and a second process over the same files never signs a lower amount, pays on, and closes with the server's
/// count.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private const long Price = 10_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mpp-session-crash-" + Guid.NewGuid().ToString("N"));

    public CrashSafetyTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("file")]
    [InlineData("ledger")]
    public async Task A_process_killed_after_signing_and_before_sending_resumes_above_the_signed_amount(string channelStore)
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var verifier = new TempoTestVerifier(chain);
        await using var server = await MppTestServer.StartAsync(new MppTestServerOptions().AddVerifier(verifier));
        server.MapPaid("/metered", new PaidRouteOptions { Prices = [new PriceOption("10000") { Method = "tempo", Intent = "session", Currency = TempoChains.PathUsd }], DigestBinding = false });
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        chain.Fund(TempoChains.PathUsd, Keys.TempoPrivateKey.FromHex(key).Address, 5_000_000);
        var store = channelStore == "file" ? Path.Combine(_dir, "channels.json") : "ledger";
        var ledger = Path.Combine(_dir, "ledger.db");
        string[] Args(int count, int holdAt, bool close) =>
            [server.Url("/metered").ToString(), chain.Endpoint.ToString(), chain.ChainId.ToString(CultureInfo.InvariantCulture), key, store, ledger,
             count.ToString(CultureInfo.InvariantCulture), holdAt.ToString(CultureInfo.InvariantCulture), close ? "close" : "keep"];

        // First process: the open, two vouchers, then the third voucher is signed and saved — and the process dies.
        using (var first = SessionAgent.Start(Args(10, holdAt: 3, close: false)))
        {
            var held = BigInteger.Parse((await first.ReadAsync("SIGNED"))[0], CultureInfo.InvariantCulture);
            await first.KillAsync();
            Assert.Equal(4 * Price, (long)held); // open 1 price, then 2, 3, 4
        }

        await using (var ledgerDb = new SqlitePaymentLedger(new SqliteLedgerOptions { Path = ledger }))
        {
            using var file = channelStore == "file" ? new FileChannelStore(store) : null;
            IChannelStore persisted = file is null ? new LedgerChannelStore(ledgerDb) : file;
            var channel = Assert.Single(await persisted.ListAsync(default));
            Assert.Equal(4 * Price, (long)channel.HighestSigned); // on disk before it could leave the process
            Assert.Equal(3 * Price, (long)verifier.SessionSpent(channel.ChannelId)); // the held voucher never arrived
        }

        // Second process over the same files: pays on above the held amount, then closes.
        using var second = SessionAgent.Start(Args(3, holdAt: 0, close: true));
        var closed = await second.ReadAsync("CLOSED");
        var counted = await second.ReadAsync("COUNTED");
        var final = await second.ReadAsync("CHANNEL");
        Assert.Equal(0, await second.ExitAsync());

        Assert.Equal(6 * Price, (long)verifier.SessionSpent(final[0])); // 3 before the crash, 3 after, no payment lost or doubled
        Assert.Equal(6 * Price, long.Parse(closed[0], CultureInfo.InvariantCulture));
        Assert.Equal(6 * Price, (long)chain.BalanceOf(TempoChains.PathUsd, verifier.SessionPayee));
        // Every voucher after the restart was signed above the held one (4 prices): 5, 6, 7.
        Assert.Equal(7 * Price, long.Parse(final[1], CultureInfo.InvariantCulture));
        Assert.True(chain.GetChannel(final[0])!.IsClosed);
        // The durable ledger: what the server settled is spent; the held voucher, which may have left the process for all
        // the payer knows, stays counted (pending, to be resolved), so the ledger never counts less than was paid.
        Assert.Equal(0.06m, decimal.Parse(counted[0], CultureInfo.InvariantCulture));
        Assert.Equal(0.01m, decimal.Parse(counted[1], CultureInfo.InvariantCulture));
    }

    /// <summary>The session agent (tests/Mpp.Client.Tempo.SessionAgent) as a separate OS process.</summary>
    private static class SessionAgent
    {
        public static AgentProcess Start(string[] args)
        {
            // From its own output folder (same configuration): the test folder carries the ASP.NET Core framework's
            // assemblies by reference only, which a console process does not load.
            var own = AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}Mpp.Client.Tempo.Tests{Path.DirectorySeparatorChar}",
                $"{Path.DirectorySeparatorChar}Mpp.Client.Tempo.SessionAgent{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
            return AgentProcess.Start(Path.Combine(own, "Mpp.Client.Tempo.SessionAgent.dll"), args);
        }
    }
}
