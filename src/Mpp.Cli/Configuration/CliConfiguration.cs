using Microsoft.Extensions.Configuration;

namespace Mpp.Cli.Configuration;

/// <summary>
/// Where <c>mpp</c> reads the <c>Mpp</c> section from, lowest precedence first (the usual .NET order: a later source
/// overrides an earlier one): the per-user file, <c>appsettings.json</c> in the current folder, <c>--config FILE</c>,
/// <c>dotnet user-secrets</c> (id <c>mpp-cli</c>), then environment variables (<c>Mpp__Tempo__PrivateKey</c>, ...).
/// </summary>
internal static class CliConfiguration
{
    /// <summary>The user-secrets id: <c>dotnet user-secrets set --id mpp-cli Mpp:Tempo:PrivateKey 0x…</c>.</summary>
    public const string UserSecretsId = "mpp-cli";

    /// <summary>The per-user configuration file: <c>$XDG_CONFIG_HOME/mpp/appsettings.json</c> (<c>~/.config/mpp/…</c>).</summary>
    public static string UserFile => Path.Combine(ConfigHome, "mpp", "appsettings.json");

    /// <summary>The default ledger file when none is configured: <c>$XDG_DATA_HOME/mpp/ledger.db</c> (<c>~/.local/share/mpp/…</c>).</summary>
    public static string DefaultLedgerPath => Path.Combine(DataHome, "mpp", "ledger.db");

    public static IConfigurationRoot Load(string? configFile)
    {
        var builder = new ConfigurationBuilder().AddJsonFile(UserFile, optional: true, reloadOnChange: false);
        builder.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false);
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (!File.Exists(full))
            {
                throw new CliException(ExitCodes.Configuration, $"--config: {configFile} does not exist.");
            }

            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }

        builder.AddUserSecrets(UserSecretsId, reloadOnChange: false);
        builder.AddEnvironmentVariables();
        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            // The JSON provider's message names the file and the position of the error, never a value.
            throw new CliException(ExitCodes.Configuration, $"Cannot read the configuration: {FirstLine(e.Message)}", e);
        }
    }

    private static string ConfigHome => Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x
        ? x
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");

    private static string DataHome => Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x
        ? x
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
