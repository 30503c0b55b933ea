namespace Mpp.Client.Policy;

/// <summary>How an asset is counted: its key (currency code or token address, lowercase), its decimals, and the unit its caps are written in.</summary>
/// <param name="Key">The currency code or token address, lowercase.</param>
/// <param name="Decimals">Base units per display unit, as a power of ten (usd: 2, sat: 0, pathUSD: 6).</param>
/// <param name="Unit">The budget unit the asset counts against (pathUSD counts as <c>usd</c>).</param>
public sealed record AssetInfo(string Key, int Decimals, string Unit);
