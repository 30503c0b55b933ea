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
    public async Task Every_invalid_value_is_reported_at_once_on_start()
    {
        var ex = await StartFailsAsync(new()
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

    [Fact]
    public async Task Unknown_keys_fail_start_with_their_paths_and_never_their_values()
    {
        var ex = await StartFailsAsync(new()
        {
            ["Mpp:Budget:PerDya:usd"] = "5",
            ["Mpp:Budjet:PerDay:usd"] = "5",
            ["Mpp:Hosts:api.example.com:PerHuor:usd"] = "1",
            ["Mpp:Budget:Windows:0:Windw"] = "00:10:00",
            ["Mpp:Retry:MaxRetries"] = "3",
            ["Mpp:Tempo:PrivateKey"] = "0xsecret-key-material", // no rail claimed Mpp:Tempo
            ["Mpp:Budget:PerDay:usd"] = "5",
        });
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Mpp:Budget:PerDya is not a known setting", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budjet is not a known setting", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Hosts:api.example.com:PerHuor", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:Windows:0:Windw", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Retry:MaxRetries", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Tempo is not a known setting", all, StringComparison.Ordinal);
        Assert.Contains("PerRequest, PerWeek", all, StringComparison.Ordinal); // the known keys are listed
        Assert.Contains("Mpp:Budget:Windows:0:Window must be at least one second", all, StringComparison.Ordinal); // it has none
        Assert.DoesNotContain("secret", all, StringComparison.Ordinal);
        Assert.Equal(7, ex.Failures.Count());
    }

    [Fact]
    public async Task Values_the_binder_cannot_convert_are_reported_with_every_other_error()
    {
        var ex = await StartFailsAsync(new()
        {
            ["Mpp:Budget:Windows:0:Window"] = "banana",
            ["Mpp:Budget:Windows:0:Limits:usd"] = "1",
            ["Mpp:Budget:PerDay:usd"] = "1.O",
            ["Mpp:Hosts:api.example.com:PerDay:usd"] = "x", // bound after Budget: the binder must not stop at "banana"
            ["Mpp:Assets:0xabc:Decimals"] = "six",
            ["Mpp:SendAcceptPayment"] = "maybe",
            ["Mpp:MaxRedirects"] = "lots",
            ["Mpp:Retry:AttemptTimeout"] = "soon",
        });
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Mpp:Budget:Windows:0:Window = 'banana' is not a duration", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:PerDay:usd = '1.O'", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Hosts:api.example.com:PerDay:usd = 'x'", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Assets:0xabc:Decimals = 'six' is not a whole number", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:SendAcceptPayment = 'maybe' is not true or false", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:MaxRedirects = 'lots'", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Retry:AttemptTimeout = 'soon'", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_name_the_configuration_paths_the_user_wrote()
    {
        var ex = await StartFailsAsync(
            new()
            {
                ["Payments:Budget:PerDay:usd"] = "x",
                ["Payments:Hosts:api.example.com:Lifetime:usd"] = "y",
                ["Agents:Writer:PerDay:usd"] = "lots",
                ["Agents:Writer:Windows:0:Window"] = "00:00:00",
            },
            (services, configuration) =>
            {
                services.AddMpp(configuration.GetSection("Payments"));
                services.AddHttpClient("writer").AddMppPayments(configuration.GetSection("Agents:Writer"));
                services.AddHttpClient("coded").AddMppPayments(b => b.PerDay["usd"] = "z");
            });
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Payments:Budget:PerDay:usd = 'x'", all, StringComparison.Ordinal);
        Assert.Contains("Payments:Hosts:api.example.com:Lifetime:usd = 'y'", all, StringComparison.Ordinal);
        Assert.Contains("Agents:Writer:PerDay:usd = 'lots'", all, StringComparison.Ordinal);
        Assert.Contains("Agents:Writer:Windows:0:Window must be at least one second", all, StringComparison.Ordinal);
        Assert.Contains("BudgetOptions[coded]:PerDay:usd = 'z'", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Budget.PerDay", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Clients[", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cap_smaller_than_the_minor_unit_of_its_unit_fails_start()
    {
        var ex = await StartFailsAsync(new()
        {
            ["Mpp:Budget:PerRequest:usd"] = "0.001",
            ["Mpp:Budget:PerDay:sat"] = "0.5",
            ["Mpp:Budget:PerDay:jpy"] = "0.1",
            ["Mpp:Budget:PerDay:usd"] = "0.01", // one cent: fine
            ["Mpp:Budget:Lifetime:eur"] = "0", // zero forbids spending: fine
        });
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Mpp:Budget:PerRequest:usd = '0.001' is less than one minor unit of usd (0.01)", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:PerDay:sat = '0.5' is less than one minor unit of sat (1)", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:PerDay:jpy", all, StringComparison.Ordinal);
        Assert.Equal(3, ex.Failures.Count());
    }

    [Fact]
    public async Task A_single_value_where_a_list_or_section_is_expected_is_reported()
    {
        var ex = await StartFailsAsync(new()
        {
            ["Mpp:AllowedMethods"] = "tempo/charge",
            ["Mpp:Budget:PerDay"] = "5",
            ["Mpp:Budget:PerRequest:usd:max"] = "1",
        });
        var all = string.Join("\n", ex.Failures);
        Assert.Contains("Mpp:AllowedMethods must be a list", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:PerDay must be a section", all, StringComparison.Ordinal);
        Assert.Contains("Mpp:Budget:PerRequest:usd must be a single value", all, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checked_configuration_shape_matches_the_options_classes()
    {
        AssertShape(typeof(MppOptions), ConfigurationShape.Mpp);
        AssertShape(typeof(BudgetOptions), ConfigurationShape.Budget);
        AssertShape(typeof(PaymentRetryOptions), ConfigurationShape.Mpp.Members["Retry"]);
        AssertShape(typeof(AssetOptions), ConfigurationShape.Mpp.Members["Assets"].Element!);
        AssertShape(typeof(WindowCapOptions), ConfigurationShape.Budget.Members["Windows"].Element!);
        Assert.Same(ConfigurationShape.Budget, ConfigurationShape.Mpp.Members["Budget"]);
        Assert.Same(ConfigurationShape.Budget, ConfigurationShape.Mpp.Members["Hosts"].Element);

        static void AssertShape(Type type, ConfigurationShape shape) =>
            Assert.Equal(
                type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name).Order(StringComparer.Ordinal),
                shape.Members.Keys.Order(StringComparer.Ordinal));
    }

    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration>? register = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        if (register is null)
        {
            builder.Services.AddHttpClient().AddMppPayments(builder.Configuration.GetSection("Mpp"));
        }
        else
        {
            register(builder.Services, builder.Configuration);
        }

        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }
}
