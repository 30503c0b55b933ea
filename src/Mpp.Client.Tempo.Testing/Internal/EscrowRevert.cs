using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Testing.Internal;

/// <summary>
/// A revert of the fake escrow precompile, named after the node's <c>TIP20ChannelEscrowError</c> variant (e.g.
/// <c>InvalidSignature</c>); its revert data is the 4-byte selector of <c>Name()</c>. A reverted transaction changes
/// nothing; a reverted <c>eth_call</c> is answered with error code 3.
/// </summary>
internal sealed class EscrowRevert : Exception
{
    public EscrowRevert()
    {
    }

    public EscrowRevert(string message)
        : base(message)
    {
    }

    public EscrowRevert(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The error's name (the message).</summary>
    public string Name => Message;

    /// <summary>The revert data: the selector of <c>Name()</c>, 0x-hex.</summary>
    public string RevertData => Hex.Encode(Keccak.Hash(Name + "()").AsSpan(0, 4));
}
