namespace Mpp.Client.Policy;

/// <summary>A cap over a custom rolling window, e.g. <c>{ "Window": "00:10:00", "Limits": { "usd": "1" } }</c>.</summary>
public sealed class WindowCapOptions
{
    /// <summary>The window length (at least one second).</summary>
    public TimeSpan Window { get; set; }

    /// <summary>Unit → decimal string cap over the window.</summary>
    public Dictionary<string, string> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
