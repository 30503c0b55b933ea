using System.Numerics;
using System.Text.Json.Nodes;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.Tempo.Rpc;
using Mpp.Client.Tempo.Testing.Internal;
using Mpp.Client.Tempo.Transactions;

namespace Mpp.Client.Tempo.Testing;

/// <content>
/// The TIP-1034 TIP-20 channel escrow precompile at <see cref="ChannelEscrow"/>: transactions whose calls reach it are
/// executed call by call (TIP-20 transfers and escrow calls, in order) and applied atomically; an escrow refusal mines
/// the transaction as reverted (status 0x0, no logs, nothing changed, the receipt's <c>revertReason</c> naming the
/// node's error, e.g. <c>InvalidSignature</c>). Its views answer <c>eth_call</c>.
/// </content>
public sealed partial class FakeTempoChain
{
    /// <summary>The TIP-1034 TIP-20 channel escrow precompile's address (mppx 0.11.0's <c>tip20ChannelEscrow</c>).</summary>
    public const string ChannelEscrow = EscrowPrecompile.Address;

    private readonly Dictionary<string, EscrowChannelRecord> _channels = new(StringComparer.Ordinal);

    /// <summary>A copy of every channel the escrow has opened (closed ones included), in no particular order.</summary>
    public IReadOnlyList<FakeTempoChainChannel> Channels
    {
        get
        {
            lock (_gate)
            {
                return [.. _channels.Values.Select(ToPublic)];
            }
        }
    }

    /// <summary>The channel <paramref name="channelId"/> in the escrow (open or closed), or null when it was never opened.</summary>
    /// <param name="channelId">The 0x-prefixed 32-byte channel id (any case).</param>
    public FakeTempoChainChannel? GetChannel(string channelId)
    {
        ArgumentNullException.ThrowIfNull(channelId);
        lock (_gate)
        {
            return _channels.TryGetValue(channelId.ToLowerInvariant(), out var channel) ? ToPublic(channel) : null;
        }
    }

    private static FakeTempoChainChannel ToPublic(EscrowChannelRecord c) => new(
        c.ChannelId,
        c.Descriptor.Payer,
        c.Descriptor.Payee,
        c.Descriptor.Operator,
        c.Descriptor.Token,
        c.Descriptor.Salt,
        c.Descriptor.AuthorizedSigner,
        c.Descriptor.ExpiringNonceHash,
        c.Deposit,
        c.Settled,
        c.CloseRequestedAt == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(c.CloseRequestedAt),
        c.Closed,
        c.RefundedToPayer,
        c.OpenTransactionHash);

    private EscrowPrecompile NewEscrow(string? transactionHash, string? openContextHash) =>
        new(ChainId, (ulong)TimeProvider.GetUtcNow().ToUnixTimeSeconds(),
            (token, address) => _balances.GetValueOrDefault((token, address)),
            id => _channels.GetValueOrDefault(id),
            IsKnownToken)
        {
            TransactionHash = transactionHash,
            OpenContextHash = openContextHash,
        };

    /// <summary>Runs every call in order: escrow calls on the precompile, anything else must be a TIP-20 transfer.</summary>
    /// <exception cref="EscrowRevert">A call reverts.</exception>
    private void RunCalls(EscrowPrecompile escrow, string sender, IEnumerable<TempoCall> calls)
    {
        foreach (var call in calls)
        {
            if (EscrowPrecompile.IsEscrow(call.To))
            {
                if (!call.Value.IsZero)
                {
                    throw new EscrowRevert("NonPayable");
                }

                escrow.Execute(sender, call.Input);
                continue;
            }

            if (call.To is null || !IsKnownToken(call.To) || !Tip20Transfer.TryRead(call, out var transfer, out _))
            {
                throw new EscrowRevert("UnsupportedCall");
            }

            escrow.Transfer(transfer!.Token, sender, transfer.To, transfer.Amount);
            if (transfer.MemoHex is { } memo)
            {
                escrow.Logs.Add(new EscrowLog(transfer.Token,
                    [TransferWithMemoTopic, Tip20Transfer.AddressWord(sender), Tip20Transfer.AddressWord(transfer.To), memo],
                    Tip20Transfer.Word(transfer.Amount)));
            }
        }
    }

    /// <summary>
    /// Executes a mined transaction that reaches the escrow (under the gate): on success applies balances and channels and
    /// returns the logs; on a revert changes nothing and returns the error's name.
    /// </summary>
    private (JsonArray Logs, string? RevertReason) ExecuteEscrowTransaction(TempoTransaction tx, string sender, string hash)
    {
        var escrow = NewEscrow(hash, EscrowPrecompile.OpenContextOf(tx.EncodeForSigning(), sender));
        try
        {
            RunCalls(escrow, sender, tx.Calls);
        }
        catch (EscrowRevert revert)
        {
            return ([], revert.Name);
        }

        foreach (var (key, balance) in escrow.Balances)
        {
            _balances[key] = balance;
        }

        foreach (var (id, channel) in escrow.Channels)
        {
            _channels[id] = channel;
        }

        var logs = new JsonArray();
        foreach (var log in escrow.Logs)
        {
            logs.Add(new JsonObject
            {
                ["address"] = log.Address,
                ["topics"] = new JsonArray([.. log.Topics.Select(t => (JsonNode?)t)]),
                ["data"] = Hex.Encode(log.Data),
                ["logIndex"] = Quantity(logs.Count),
                ["transactionHash"] = hash,
                ["transactionIndex"] = "0x0",
                ["blockNumber"] = Quantity(_blockNumber),
                ["removed"] = false,
            });
        }

        return (logs, null);
    }

    /// <summary>
    /// An <c>eth_call</c> that reaches the escrow: a plain <c>{to: escrow, data}</c> read, or a Tempo (0x76) request whose
    /// calls include the escrow, simulated without changing anything. Null when the request does not reach the escrow.
    /// </summary>
    private string? EscrowCall(JsonObject request)
    {
        var from = (string?)request["from"] is { } f ? Normalize(f) : EscrowPrecompile.ZeroAddress;
        List<TempoCall> calls;
        if (request["calls"] is JsonArray list)
        {
            if (!list.Any(c => c?["to"] is JsonValue to && to.TryGetValue<string>(out var address) && EscrowPrecompile.IsEscrow(address)))
            {
                return null;
            }

            calls = [.. list.Select(ReadCallRequest)];
        }
        else if (EscrowPrecompile.IsEscrow((string?)request["to"]))
        {
            calls = [ReadCallRequest(request)];
        }
        else
        {
            return null;
        }

        lock (_gate)
        {
            // A simulation has no signed transaction: the open context is derived from the request so an open can run.
            var escrow = NewEscrow(null, Hex.Encode(Keccak.Hash(System.Text.Encoding.UTF8.GetBytes(request.ToJsonString()))));
            try
            {
                if (calls.Count == 1 && EscrowPrecompile.IsEscrow(calls[0].To))
                {
                    return Hex.Encode(escrow.Execute(from, calls[0].Input));
                }

                RunCalls(escrow, from, calls);
                return "0x";
            }
            catch (EscrowRevert revert)
            {
                throw new FakeRpcError(3, $"execution reverted: {revert.Name} ({revert.RevertData})");
            }
        }
    }

    private TempoCall ReadCallRequest(JsonNode? call)
    {
        if (call?["to"] is not JsonValue to)
        {
            throw new FakeRpcError(-32602, "a call needs to");
        }

        var value = BigInteger.Zero;
        if ((string?)call["value"] is { Length: > 2 } valueText && !RpcQuantity.TryParse(valueText, out value))
        {
            throw new FakeRpcError(-32602, "call value is not a quantity");
        }

        try
        {
            return new TempoCall(Normalize((string?)to ?? ""), value, Hex.Decode((string?)(call["data"] ?? call["input"]) ?? "0x"));
        }
        catch (FormatException)
        {
            throw new FakeRpcError(-32602, "call data is not hex");
        }
    }
}
