// A paying agent run as a separate OS process by the ledger tests (several processes share one durable ledger).
//   pay  <provider> <store> <url> <count> <cap>  pays <count> concurrent requests to <url> under "PerDay usd = <cap>",
//                                                prints "DONE <paid> <refused> <failed>", waits for a line on stdin, then
//                                                prints "COUNTED <total>" (what the shared ledger counts today) and exits.
//   hold <provider> <store> <sent|reserved>      reserves 0.25 usd (and marks it sent), prints "HELD <id>", then waits
//                                                to be killed.
// <provider> is Sqlite or PostgreSql; <store> the SQLite path or the PostgreSQL connection string.
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mpp.Client.Http;
using Mpp.Client.Ledger;
using Mpp.Client.Testing;

var mode = args[0];
var provider = args[1];
var store = args[2];
var cap = mode == "pay" ? args[5] : "10";
var settings = new Dictionary<string, string?>
{
    ["Mpp:Budget:PerDay:usd"] = cap,
    ["Mpp:AllowInsecureHttp"] = "true",
    ["Mpp:Ledger:Provider"] = provider,
    [provider == "Sqlite" ? "Mpp:Ledger:Path" : "Mpp:Ledger:ConnectionString"] = store,
};
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
builder.Configuration.AddInMemoryCollection(settings);
builder.Services.AddHttpClient("pay");
var mpp = builder.Services.AddMppPayments(builder.Configuration.GetSection("Mpp")).AddPaymentMethod(new TestPaymentMethod());
LedgerStores.Use(mpp, provider);
using var host = builder.Build();
await host.StartAsync();
var ledger = host.Services.GetRequiredService<IPaymentLedger>();
var day = TimeSpan.FromDays(1);

if (mode == "hold")
{
    var charge = new LedgerCharge("usd", 0.25m, "127.0.0.1") { Method = "test", Intent = "charge" };
    var reserved = await ledger.ReserveAsync(charge, [new SpendingLimit("PerDay", "usd", 10m, day)], CancellationToken.None);
    if (!reserved.Succeeded)
    {
        return 2;
    }

    if (args[3] == "sent")
    {
        await ledger.MarkSentAsync(charge.Id, "0xheld", CancellationToken.None);
    }

    Console.WriteLine($"HELD {charge.Id:N}");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

var url = new Uri(args[3]);
var count = int.Parse(args[4], CultureInfo.InvariantCulture);
var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("pay");
var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
{
    try
    {
        using var response = await http.GetAsync(url);
        return response.GetPaymentOutcome()?.Status switch
        {
            PaymentStatus.Paid => 0,
            PaymentStatus.Refused => 1,
            _ => 2,
        };
    }
    catch (HttpRequestException)
    {
        return 2;
    }
}));
Console.WriteLine($"DONE {outcomes.Count(o => o == 0)} {outcomes.Count(o => o == 1)} {outcomes.Count(o => o == 2)}");
await Console.In.ReadLineAsync();
var usage = await ledger.GetUsageAsync("usd", null, day, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COUNTED {usage.Total}"));
await host.StopAsync();
return 0;
