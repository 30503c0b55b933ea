using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mpp.Client.Http;
using Mpp.Client.Methods;
using Mpp.Client.X402.Exact;

namespace Mpp.Client.X402.Tests.DependencyInjection;

/// <summary><c>AddX402()</c> from configuration: every problem listed at once, the key never repeated.</summary>
public sealed class AddX402Tests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, IEvmSigner? signer = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        var builder = services.AddMpp(configuration.GetSection("Mpp"));
        if (signer is null)
        {
            builder.AddX402();
        }
        else
        {
            builder.AddX402(signer);
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public void Reads_the_key_and_networks_from_Mpp_X402_and_registers_the_scheme_and_method()
    {
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var provider = Build(new() { ["Mpp:Budget:PerDay:usd"] = "5", ["Mpp:X402:PrivateKey"] = key, ["Mpp:X402:Networks:0"] = "eip155:84532" });

        var method = Assert.Single(provider.GetServices<IPaymentMethod>());
        Assert.Equal("x402", method.Method);
        Assert.Equal(["exact"], method.Intents);
        Assert.Contains(provider.GetServices<IHttpPaymentScheme>(), s => s.Name == "x402");
        Assert.Equal(new Nethereum.Signer.EthECKey(key).GetPublicAddress(), provider.GetRequiredService<X402ExactMethod>().Address);
    }

    [Fact]
    public void Lists_every_problem_at_once_without_repeating_the_key()
    {
        const string badKey = "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeZ";
        using var provider = Build(new()
        {
            ["Mpp:Budget:PerDay:usd"] = "5",
            ["Mpp:X402:PrivateKey"] = badKey,
            ["Mpp:X402:Networks:0"] = "base",
            ["Mpp:X402:Networks:1"] = "eip155:0x1",
            ["Mpp:X402:MaxValidity"] = "00:00:01",
            ["Mpp:X402:Netwrks:0"] = "eip155:8453",
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<X402ExactMethod>());

        Assert.Contains(e.Failures, f => f.Contains("Mpp:X402:PrivateKey is not usable", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Mpp:X402:Networks:0 ('base')", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Mpp:X402:Networks:1", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Mpp:X402:MaxValidity", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Mpp:X402:Netwrks is not an x402 setting", StringComparison.Ordinal));
        Assert.Equal(5, e.Failures.Count());
        Assert.DoesNotContain(badKey[2..20], e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_key_and_missing_networks_are_both_reported()
    {
        using var provider = Build(new() { ["Mpp:Budget:PerDay:usd"] = "5" });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<X402ExactMethod>());

        Assert.Contains(e.Failures, f => f.Contains("PrivateKey is not set and no IEvmSigner", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Networks lists no network", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_and_a_signer_together_are_refused()
    {
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var provider = Build(
            new() { ["Mpp:Budget:PerDay:usd"] = "5", ["Mpp:X402:PrivateKey"] = key, ["Mpp:X402:Networks:0"] = "eip155:84532" },
            new Support.RemoteSigner(RandomNumberGenerator.GetBytes(32)));

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<X402ExactMethod>());

        Assert.Contains(e.Failures, f => f.Contains("use one of them", StringComparison.Ordinal));
        Assert.DoesNotContain(key[2..], e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Adding_x402_twice_is_an_error()
    {
        var services = new ServiceCollection();
        var builder = services.AddMpp().AddX402();

        Assert.Throws<InvalidOperationException>(() => builder.AddX402());
    }

    [Fact]
    public void The_options_never_show_the_key()
    {
        var key = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var options = new X402Options { PrivateKey = key };

        Assert.DoesNotContain(key[2..], options.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
