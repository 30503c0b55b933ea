namespace Mpp.Client.Policy;

/// <summary>How to count an asset the SDK does not know: its decimals and the budget unit it counts against.</summary>
public sealed class AssetOptions
{
    /// <summary>Base units per <see cref="Unit"/>, as a power of ten (0 to 28).</summary>
    public int Decimals { get; set; }

    /// <summary>The budget unit (e.g. <c>usd</c> for a dollar stablecoin); defaults to the asset key itself.</summary>
    public string? Unit { get; set; }
}
