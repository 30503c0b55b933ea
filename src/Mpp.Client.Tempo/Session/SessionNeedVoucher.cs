using System.Numerics;
using System.Text.Json;

namespace Mpp.Client.Tempo.Session;

/// <summary>
/// The data of an SSE <c>payment-need-voucher</c> event (mppx 0.11.0 <c>Protocol.isNeedVoucherEvent</c>):
/// <c>{channelId, requiredCumulative, acceptedCumulative, deposit}</c>, amounts as decimal strings.
/// </summary>
internal sealed record SessionNeedVoucher(string ChannelId, BigInteger RequiredCumulative, BigInteger AcceptedCumulative, BigInteger Deposit)
{
    /// <summary>Reads the event data.</summary>
    /// <exception cref="MppException"><see cref="MppErrorCode.InvalidReceipt"/>: malformed.</exception>
    public static SessionNeedVoucher FromJson(JsonElement data) => throw new NotImplementedException();

    /// <summary>The event data as mppx writes it.</summary>
    public JsonElement ToJson() => throw new NotImplementedException();
}
