using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mpp.Client.Policy;

namespace Mpp.Client.Tests.Policy;

public sealed class OptionsValidationTests
{
    private static IServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddHttpClient().AddMppPayments(configuration.GetSection("Mpp"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void Binds_the_design_card_configuration()
    {
        var sp = Build(new()
        {
            ["Mpp:Budget:PerRequest:usd"] = "0.50",
            ["Mpp:Budget:PerDay:usd"] = "20",
            ["Mpp:Budget:PerDay:sat"] = "50000",
            ["Mpp:Hosts:api.example.com:PerDay:usd"] = "5",
            ["Mpp:AllowedMethods:0"] = "tempo/charge",
            ["Mpp:AllowedMethods:1"] = "stripe/charge",
            ["Mpp:Budget:Windows:0:Window"] = "00:10:00",
            ["Mpp:Budget:Windows:0:Limits:usd"] = "1",
            ["Mpp:Assets:0xabc:Decimals"] = "18",
            ["Mpp:Assets:0xabc:Unit"] = "eth",
            ["Mpp:Budget:Lifetime:eth"] = "0.1",
        });
        var options = sp.GetRequiredService<IOptions<MppOptions>>().Value;
        Assert.Equal("0.50", options.Budget.PerRequest["usd"]);
        Assert.Equal("50000", options.Budget.PerDay["sat"]);
        Assert.Equal("5", options.Hosts["api.example.com"].PerDay["usd"]);
        Assert.Equal(["tempo/charge", "stripe/charge"], options.AllowedMethods);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Budget.Windows[0].Window);
        Assert.Equal(18, options.Assets["0xabc"].Decimals);
    }

    [Fact]
    public void Every_invalid_value_is_reported_at_once_on_start()
    {
        var sp = Build(new()
        {
            ["Mpp:Budget:PerDay:usd"] = "-1",
            ["Mpp:Budget:PerDay:doge"] = "3",
            ["Mpp:Budget:PerHour:usd"] = "1,5",
            ["Mpp:AllowedMethods:0"] = "Tempo/charge",
            ["Mpp:Preferences:0"] = "tempo/charge;q=2",
            ["Mpp:MaxPaymentRounds"] = "0",
            ["Mpp:Hosts:bad host:PerDay:usd"] = "1",
            ["Mpp:Assets:0xdef:Decimals"] = "40",
        });
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<MppOptions>>().Value);
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("PerDay:usd = '-1'", all, StringComparison.Ordinal);
        Assert.Contains("doge", all, StringComparison.Ordinal);
        Assert.Contains("'1,5'", all, StringComparison.Ordinal);
        Assert.Contains("Tempo/charge", all, StringComparison.Ordinal);
        Assert.Contains("q=2", all, StringComparison.Ordinal);
        Assert.Contains("MaxPaymentRounds", all, StringComparison.Ordinal);
        Assert.Contains("bad host", all, StringComparison.Ordinal);
        Assert.Contains("Decimals", all, StringComparison.Ordinal);
        Assert.True(ex.Failures.Count() >= 8);
    }

    [Fact]
    public async Task Invalid_options_fail_the_host_at_start_not_on_the_first_payment()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Mpp:Budget:PerDay:usd"] = "ten" });
        builder.Services.AddHttpClient().AddMppPayments(builder.Configuration.GetSection("Mpp"));
        using var host = builder.Build();
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
