namespace Mpp.Client.Lightning.Invoices;

/// <summary>An on-chain fallback address (BOLT11 <c>f</c> field).</summary>
/// <param name="Version">17 for P2PKH, 18 for P2SH, 0 to 16 for a segwit witness version.</param>
/// <param name="Program">The public key hash, script hash or witness program, lowercase hex.</param>
/// <param name="Address">The address on the invoice's network, or <see langword="null"/> when the program has no standard address form.</param>
public sealed record Bolt11FallbackAddress(int Version, string Program, string? Address);
