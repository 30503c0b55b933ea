// A session-paying agent run as a separate OS process by the crash-safety tests (tests/Mpp.Client.Tempo.Tests/Session).
//   <url> <rpcUrl> <chainId> <privateKey> <channelStore> <ledgerFile> <count> <holdAtVoucher> <close>
// Pays <count> sequential GETs to <url> through a tempo/session channel kept in the file <channelStore> (ledger: SQLite
// file <ledgerFile>), printing "PAID <i>" for each. When <holdAtVoucher> is n > 0, the n-th voucher credential seen on
// the wire is not sent: the agent prints "SIGNED <cumulativeAmount>" and waits to be killed — the moment after the
// voucher was signed (and saved) and before it left the process. With <close> = close, it closes the channel at the end
// and prints "CLOSED <spent> <refunded>". Finally prints "COUNTED <spent> <locked>" (the ledger, usd) and
// "CHANNEL <channelId> <highestSigned> <accepted>".
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Session;

var url = new Uri(args[0]);
var count = int.Parse(args[6], CultureInfo.InvariantCulture);
var holdAt = int.Parse(args[7], CultureInfo.InvariantCulture);
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Mpp:Budget:PerDay:usd"] = "100",
    ["Mpp:Ledger:Provider"] = "Sqlite",
    ["Mpp:Ledger:Path"] = args[5],
    ["Mpp:Tempo:PrivateKey"] = args[3],
    [$"Mpp:Tempo:Rpc:{args[2]}"] = args[1],
    ["Mpp:Tempo:Session:MaxDeposit"] = "1",
    // "ledger": no file; the channels go to the SQLite ledger's own database (LedgerChannelStore, the default then).
    ["Mpp:Tempo:Session:ChannelStorePath"] = args[4] == "ledger" ? null : args[4],
}).Build();
var services = new ServiceCollection();
services.AddHttpClient("agent").AddHttpMessageHandler(() => new HoldVoucher(holdAt));
services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp")).AddTempo().UseSqliteLedger();
await using var provider = services.BuildServiceProvider();
var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("agent");
for (var i = 0; i < count; i++)
{
    using var response = await http.GetAsync(url);
    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"request {i}: {(int)response.StatusCode}");
        return 1;
    }

    Console.WriteLine($"PAID {i}");
}

var sessions = provider.GetRequiredService<TempoSessions>();
if (args[8] == "close")
{
    var closed = await sessions.CloseAsync(url);
    Console.WriteLine($"CLOSED {closed.Spent} {closed.Refunded}");
}

var usage = await provider.GetRequiredService<Mpp.Client.Ledger.IPaymentLedger>().GetUsageAsync("usd", null, null, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COUNTED {usage.Spent} {usage.Locked}"));
var channel = (await sessions.ListChannelsAsync()).Single();
Console.WriteLine($"CHANNEL {channel.ChannelId} {channel.HighestSigned} {channel.Accepted}");
return 0;

/// <summary>Holds the n-th voucher before the wire (it is already signed and saved): the test kills the process there.</summary>
internal sealed class HoldVoucher(int holdAt) : DelegatingHandler
{
    private int _vouchers;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (holdAt > 0 && request.Headers.TryGetValues("Authorization", out var values) && values.First() is { } value
            && value.StartsWith("Payment ", StringComparison.Ordinal)
            && Credential.Parse(value).Payload.GetProperty("action").GetString() == "voucher"
            && Interlocked.Increment(ref _vouchers) == holdAt)
        {
            var cumulative = Credential.Parse(value).Payload.GetProperty("cumulativeAmount").GetString();
            Console.WriteLine($"SIGNED {cumulative}");
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
