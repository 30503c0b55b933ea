using System.Numerics;

namespace Mpp.Client.Tempo.Session;

/// <summary>The arguments of <c>open(address payee, address operator, address token, uint96 deposit, bytes32 salt,
/// address authorizedSigner)</c> on the TIP-1034 escrow (addresses and salt lower-case hex).</summary>
internal sealed record EscrowOpenCall(string Payee, string Operator, string Token, BigInteger Deposit, string Salt, string AuthorizedSigner);

/// <summary>The arguments of <c>topUp(ChannelDescriptor descriptor, uint96 additionalDeposit)</c>.</summary>
internal sealed record EscrowTopUpCall(ChannelDescriptor Descriptor, BigInteger AdditionalDeposit);

/// <summary>The arguments of <c>settle(ChannelDescriptor descriptor, uint96 cumulativeAmount, bytes signature)</c>.</summary>
internal sealed record EscrowSettleCall(ChannelDescriptor Descriptor, BigInteger CumulativeAmount, byte[] Signature);

/// <summary>The arguments of <c>close(ChannelDescriptor descriptor, uint96 cumulativeAmount, uint96 captureAmount,
/// bytes signature)</c>: the payee captures <c>captureAmount</c> (what was spent) and the rest of the deposit goes back.</summary>
internal sealed record EscrowCloseCall(ChannelDescriptor Descriptor, BigInteger CumulativeAmount, BigInteger CaptureAmount, byte[] Signature);

/// <summary>A channel's on-chain state tuple <c>(uint96 settled, uint96 deposit, uint32 closeRequestedAt)</c>.</summary>
internal sealed record EscrowChannelState(BigInteger Settled, BigInteger Deposit, uint CloseRequestedAt);

/// <summary>The non-indexed data of <c>ChannelOpened</c> (channelId, payer and payee are indexed topics).</summary>
internal sealed record EscrowChannelOpenedData(string Operator, string Token, string AuthorizedSigner, string Salt, string ExpiringNonceHash, BigInteger Deposit);
