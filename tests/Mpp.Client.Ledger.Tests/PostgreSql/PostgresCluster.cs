using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Mpp.Client.Ledger.Tests.PostgreSql;

/// <summary>
/// A throwaway PostgreSQL cluster: <c>initdb</c> in a temporary folder, the server on a free loopback port with password
/// authentication, stopped and deleted on dispose. The machine's PostgreSQL binaries are used (Debian's postgresql
/// package: /usr/lib/postgresql/&lt;version&gt;/bin; <c>.ci/run</c> installs it). As root, the server runs as the
/// unprivileged <c>postgres</c> user (PostgreSQL refuses to run as root).
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private readonly bool _asRoot;

    private PostgresCluster(string bin, string data, int port, string password, bool asRoot)
    {
        _bin = bin;
        _data = data;
        Port = port;
        Password = password;
        _asRoot = asRoot;
    }

    public int Port { get; }

    public string Password { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database};Pooling=true;Maximum Pool Size=20";

    /// <summary>Starts a cluster; <paramref name="durable"/> false turns fsync off (tests), true keeps the defaults (benchmarks).</summary>
    public static async Task<PostgresCluster> StartAsync(bool durable = false)
    {
        var bin = FindBin() ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run .ci/run, or apt-get install postgresql.");
        var asRoot = Environment.UserName == "root";
        var data = Directory.CreateTempSubdirectory("mpp-pg-").FullName;
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(data, "pw");
        await File.WriteAllTextAsync(passwordFile, password);
        var cluster = new PostgresCluster(bin, Path.Combine(data, "cluster"), FreePort(), password, asRoot);
        if (asRoot)
        {
            await RunAsync("chown", "-R", "postgres:postgres", data);
        }

        await cluster.PgAsync("initdb", "-D", cluster._data, "-U", "postgres", "--auth=scram-sha-256", "--pwfile=" + passwordFile, "--no-sync", "-E", "UTF8");
        File.Delete(passwordFile);
        var options = $"-p {cluster.Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200"
            + (durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await cluster.PgAsync("pg_ctl", "-D", cluster._data, "-o", options, "-l", Path.Combine(cluster._data, "server.log"), "-w", "-t", "60", "start");
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await PgAsync("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(_data)!, recursive: true);
        }
    }

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task PgAsync(string tool, params string[] args) =>
        _asRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]) : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args.Where(a => !a.StartsWith("--pwfile", StringComparison.Ordinal)))} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
