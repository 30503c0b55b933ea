namespace Mpp.Client.Lightning.Invoices;

/// <summary>One hop of a private route hint (BOLT11 <c>r</c> field).</summary>
/// <param name="NodeId">The node at the start of the channel, 33-byte compressed public key as lowercase hex.</param>
/// <param name="ShortChannelId">The channel, as the 64-bit short channel id.</param>
/// <param name="FeeBaseMsat">The base fee, in millisatoshis.</param>
/// <param name="FeeProportionalMillionths">The proportional fee, in millionths.</param>
/// <param name="CltvExpiryDelta">The CLTV expiry delta.</param>
public sealed record Bolt11RouteHop(string NodeId, ulong ShortChannelId, uint FeeBaseMsat, uint FeeProportionalMillionths, ushort CltvExpiryDelta)
{
    /// <summary>The short channel id in <c>block</c>x<c>tx</c>x<c>output</c> form.</summary>
    public string ShortChannelIdText => $"{ShortChannelId >> 40}x{(ShortChannelId >> 16) & 0xFFFFFF}x{ShortChannelId & 0xFFFF}";
}
