using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Mpp.Client.Tempo.Tests.Support;

namespace Mpp.Client.Tempo.Tests.Account;

/// <summary><see cref="TempoAccount.GetBalanceAsync"/>: a TIP-20 balanceOf read through the configured node, checked for its chain.</summary>
public sealed class TempoAccountBalanceTests
{
    [Fact]
    public async Task The_balance_is_read_from_the_configured_node()
    {
        await using var payer = await ConfiguredTempoPayer.StartAsync();
        var account = payer.Provider.GetRequiredService<TempoAccount>();

        var before = await account.GetBalanceAsync(TempoChains.TestnetChainId, TempoChains.PathUsd);
        payer.Chain.Fund(TempoChains.PathUsd, account.Address, 1);
        var after = await account.GetBalanceAsync(TempoChains.TestnetChainId, TempoChains.PathUsd);

        Assert.Equal(payer.Chain.BalanceOf(TempoChains.PathUsd, account.Address) - 1, before);
        Assert.Equal(before + 1, after);
        Assert.Equal(0, (int)await account.GetBalanceAsync(TempoChains.TestnetChainId, TempoChains.UsdcE));
        Assert.Equal([TempoChains.TestnetChainId], account.Chains);
        Assert.Contains(payer.Chain.Requests, r => r.Method == "eth_call");
    }

    [Fact]
    public async Task Bad_questions_and_failing_nodes_are_typed_and_never_show_the_node_url()
    {
        await using var chain = await FakeTempoChain.StartAsync(TimeProvider.System);
        var services = new ServiceCollection();
        services.AddMpp().AddTempo(o =>
        {
            o.PrivateKey = "0x" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            o.Rpc["42431"] = "http://127.0.0.1:1/secret-api-key";   // nothing listens there
            o.Rpc["4217"] = chain.Endpoint.ToString();               // serves 42431, not 4217
            o.RpcRetries = 0;
        });
        await using var provider = services.BuildServiceProvider();
        var account = provider.GetRequiredService<TempoAccount>();

        await Assert.ThrowsAsync<ArgumentException>(() => account.GetBalanceAsync(1, TempoChains.PathUsd));
        await Assert.ThrowsAsync<ArgumentException>(() => account.GetBalanceAsync(42431, "0x1234"));
        var down = await Assert.ThrowsAsync<TempoNodeException>(() => account.GetBalanceAsync(42431, TempoChains.PathUsd));
        var wrong = await Assert.ThrowsAsync<TempoNodeException>(() => account.GetBalanceAsync(4217, TempoChains.PathUsd));

        Assert.Equal(42431UL, down.ChainId);
        Assert.DoesNotContain("secret-api-key", down.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", down.Message, StringComparison.Ordinal);
        Assert.Contains("serves chain 42431", wrong.Message, StringComparison.Ordinal);
    }
}
