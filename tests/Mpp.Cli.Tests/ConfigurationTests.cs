using System.Text.Json.Nodes;
using Mpp.Cli.Tests.Support;

namespace Mpp.Cli.Tests;

/// <summary>
/// Where <c>mpp</c> reads the <c>Mpp</c> section, lowest first: the per-user file, ./appsettings.json, --config, user
/// secrets (id mpp-cli), environment variables. Each test sets one per-request cap of 0.01 usd in one source, over the
/// 1 usd cap of the working folder's file where that source ranks higher, and checks the 0.05 usd call is refused.
/// </summary>
public sealed class ConfigurationTests : IAsyncLifetime
{
    private CliWorld _world = null!;

    public async Task InitializeAsync() => _world = await CliWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    private static JsonObject TightCap() => new() { ["Mpp"] = new JsonObject { ["Budget"] = new JsonObject { ["PerRequest"] = new JsonObject { ["usd"] = "0.01" } } } };

    [Fact]
    public async Task The_per_user_file_applies_and_the_working_folder_file_overrides_it()
    {
        var user = Path.Combine(_world.Home, ".config", "mpp");
        Directory.CreateDirectory(user);
        await File.WriteAllTextAsync(Path.Combine(user, "appsettings.json"), TightCap().ToJsonString());

        var overridden = await _world.RunAsync(_world.Url("/quotes")); // ./appsettings.json says 1 usd per request
        var config = _world.DefaultConfig();
        ((JsonObject)config["Mpp"]!["Budget"]!).Remove("PerRequest");
        _world.WriteConfig(config);
        var applied = await _world.RunAsync(_world.Url("/quotes"));

        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        Assert.True(applied.ExitCode == 4, applied.ToString());
        Assert.Contains("0.01 usd", applied.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_overrides_the_working_folder_file()
    {
        await File.WriteAllTextAsync(Path.Combine(_world.WorkDir, "tight.json"), TightCap().ToJsonString());

        var result = await _world.RunAsync(_world.Url("/quotes"), "--config", "tight.json");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Empty(_world.Server.Payments);
    }

    [Fact]
    public async Task User_secrets_override_the_files()
    {
        // Where `dotnet user-secrets set --id mpp-cli …` writes on Linux.
        var secrets = Path.Combine(_world.Home, ".microsoft", "usersecrets", "mpp-cli");
        Directory.CreateDirectory(secrets);
        await File.WriteAllTextAsync(Path.Combine(secrets, "secrets.json"), """{ "Mpp:Budget:PerRequest:usd": "0.01" }""");

        var result = await _world.RunAsync(_world.Url("/quotes"));

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Empty(_world.Server.Payments);
    }
}
