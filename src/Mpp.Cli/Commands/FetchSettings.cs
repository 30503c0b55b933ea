using Mpp.Cli.Configuration;

namespace Mpp.Cli.Commands;

/// <summary>What <c>mpp &lt;url&gt;</c> was asked to do, checked.</summary>
internal sealed record FetchSettings(Uri Url, HttpMethod Method)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The request body, when <c>-d</c>/<c>--data</c>/<c>--data-binary</c> was given.</summary>
    public byte[]? Body { get; init; }

    public string? OutputFile { get; init; }

    public bool IncludeHeaders { get; init; }

    public bool Silent { get; init; }

    public bool Verbose { get; init; }

    public bool Json { get; init; }

    public bool Quote { get; init; }

    public bool Fail { get; init; }

    public MoneyAmount? Max { get; init; }

    public MoneyAmount? ConfirmAbove { get; init; }
}
