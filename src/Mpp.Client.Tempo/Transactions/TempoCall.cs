using System.Numerics;
using Mpp.Client.Tempo.Encoding;

namespace Mpp.Client.Tempo.Transactions;

/// <summary>
/// One call of a Tempo transaction: RLP list [to, value, input] (tempoxyz/tempo
/// <c>crates/primitives/src/transaction/tempo_transaction.rs</c>, <c>impl Encodable for Call</c>; ox
/// <c>src/tempo/TxEnvelopeTempo.ts</c> <c>serialize</c>, <c>callsTupleList</c>). A null <see cref="To"/> is contract
/// creation (the empty string).
/// </summary>
internal sealed class TempoCall
{
    private readonly byte[] _input;

    public TempoCall(string? to, BigInteger value, ReadOnlySpan<byte> input)
    {
        if (value.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A call value is unsigned.");
        }

        To = to is null ? null : EvmAddress.Normalize(to);
        Value = value;
        _input = input.ToArray();
    }

    /// <summary>The target address, lower-case hex, or null for contract creation.</summary>
    public string? To { get; }

    public BigInteger Value { get; }

    public ReadOnlySpan<byte> Input => _input;

    internal byte[] Encode() => Rlp.List(
        To is null ? [Rlp.EmptyString] : Rlp.Bytes(EvmAddress.ToBytes(To)),
        Rlp.Quantity(Value),
        Rlp.Bytes(_input));

    public override string ToString() => $"TempoCall {{ To = {To ?? "(create)"}, Value = {Value}, Input = {Hex.Encode(_input)} }}";
}
