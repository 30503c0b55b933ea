using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// A TIP-1034 channel descriptor as the escrow reads it from calldata (addresses and bytes32 values lower-case hex).
/// The channel id is <c>keccak256(abi.encode(payer, payee, operator, token, salt, authorizedSigner, expiringNonceHash,
/// escrow, chainId))</c>.
/// </summary>
internal sealed record EscrowDescriptor(
    string Payer, string Payee, string Operator, string Token, string Salt, string AuthorizedSigner, string ExpiringNonceHash)
{
    /// <summary>Who must sign vouchers: the authorized signer, or the payer when that is the zero address.</summary>
    public string ExpectedSigner => AuthorizedSigner == EscrowPrecompile.ZeroAddress ? Payer : AuthorizedSigner;

    public string ComputeId(string escrow, ulong chainId) => Hex.Encode(Keccak.Hash(EscrowAbi.Concat(
        [.. EscrowAbi.DescriptorWords(this), EscrowAbi.AddressWord(escrow), EscrowAbi.UintWord(new BigInteger(chainId))])));
}
