using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Mpp.Client.Methods;
using Mpp.Client.Protocol;
using Mpp.Client.Tempo.Encoding;
using Mpp.Client.X402.Internal;
using Nethereum.Util;

namespace Mpp.Client.X402.Exact;

/// <summary>
/// Pays x402 <c>exact</c> requirements on EVM networks (method <c>x402</c>, intent <c>exact</c>): checks the network
/// allow-list, the token's EIP-712 domain and the validity window before signing, then signs an EIP-3009
/// <c>TransferWithAuthorization</c> for exactly the price and writes the x402 payment payload (v1 or v2).
/// </summary>
internal sealed class X402ExactMethod : IPaymentMethod
{
    /// <summary>The method id x402 challenges carry in the core (so preferences and AllowedMethods can name <c>x402/exact</c>).</summary>
    public const string MethodId = "x402";

    public const string ExactIntent = "exact";

    /// <summary>v1 authorizations start ten minutes in the past (as @x402/evm's v1 client), to absorb clock skew.</summary>
    private const long V1ValidAfterSkewSeconds = 600;

    private readonly IEvmSigner _signer;
    private readonly HashSet<long> _chains;
    private readonly long _maxValiditySeconds;
    private readonly TimeProvider _time;
    private readonly string _addressLower;
    private readonly string _addressChecksummed;

    /// <summary>Domain separators and EIP-55 addresses already computed (a service pays few tokens and payees); bounded.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _cache = new(StringComparer.Ordinal);

    public X402ExactMethod(IEvmSigner signer, IEnumerable<long> chains, TimeSpan maxValidity, TimeProvider time)
    {
        _signer = signer;
        _chains = [.. chains];
        _maxValiditySeconds = (long)maxValidity.TotalSeconds;
        _time = time;
        _addressLower = EvmAddress.Normalize(signer.Address);
        _addressChecksummed = AddressUtil.Current.ConvertToChecksumAddress(_addressLower);
    }

    public string Method => MethodId;

    public IReadOnlyCollection<string> Intents { get; } = [ExactIntent];

    /// <summary>The account paid from, EIP-55 checksummed.</summary>
    public string Address => _addressChecksummed;

    public PaymentTerms ReadTerms(Challenge challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        var r = X402Requirement.Read(challenge);
        if (!_chains.Contains(r.ChainId))
        {
            throw new MppException(MppErrorCode.InvalidChallenge, $"The x402 network '{r.Network}' ({X402Networks.Caip2(r.ChainId)}) is not in Mpp:X402:Networks.");
        }

        if (KnownTokens.Find(r.Asset) is { } known)
        {
            if (known.ChainId != r.ChainId)
            {
                throw new MppException(MppErrorCode.InvalidChallenge, $"The x402 asset {r.Asset} is USDC on {X402Networks.Caip2(known.ChainId)}, not on {X402Networks.Caip2(r.ChainId)}.");
            }

            if (!string.Equals(known.Name, r.DomainName, StringComparison.Ordinal) || !string.Equals(known.Version, r.DomainVersion, StringComparison.Ordinal))
            {
                throw new MppException(MppErrorCode.InvalidChallenge, $"The x402 requirement's EIP-712 domain (extra.name, extra.version) does not match the asset {r.Asset}.");
            }
        }

        return new PaymentTerms(r.Amount, r.Asset, r.PayTo);
    }

    public async ValueTask<PaymentPayload> CreatePayloadAsync(PaymentAttempt attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var r = X402Requirement.Read(attempt.Quote.Challenge);
        var (payload, nonce, validBefore) = await CreateAsync(r, cancellationToken).ConfigureAwait(false);
        return new PaymentPayload(payload)
        {
            // The authorization's nonce is public (it is how EIP-3009 tokens mark it used): the reconciler asks the token
            // whether authorizationState(from, nonce) is spent, and knows it never can be once validBefore has passed.
            WalletReference = X402AuthorizationReference.Format(r.ChainId, _addressLower, nonce, r.Asset, validBefore),
        };
    }

    /// <summary>Signs an authorization for <paramref name="r"/> and writes the x402 payment payload object.</summary>
    internal async ValueTask<(JsonElement Payload, byte[] Nonce, long ValidBefore)> CreateAsync(X402Requirement r, CancellationToken cancellationToken)
    {
        var (authorization, digest) = Prepare(r);
        var signature = await EvmSigning.SignAsync(_signer, digest, _addressLower, cancellationToken).ConfigureAwait(false);
        return (Write(r, authorization, signature.ToRsv()), authorization.Nonce, authorization.ValidBefore);
    }

    /// <summary>The authorization for <paramref name="r"/> (exactly the price, a fresh random nonce, the window) and its EIP-712 digest.</summary>
    internal (Eip3009Authorization Authorization, byte[] Digest) Prepare(X402Requirement r)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var validity = Math.Min(r.MaxTimeoutSeconds, _maxValiditySeconds);
        var authorization = new Eip3009Authorization(
            _addressLower,
            r.PayTo,
            r.Amount,
            r.X402Version == 1 ? Math.Max(0, now - V1ValidAfterSkewSeconds) : 0,
            now + validity,
            RandomNumberGenerator.GetBytes(32));
        var domain = (byte[])Cached(
            string.Create(CultureInfo.InvariantCulture, $"d:{r.ChainId}:{r.Asset}:{r.DomainName.Length}:{r.DomainName}:{r.DomainVersion}"),
            r,
            static r => Eip3009Authorization.DomainSeparator(r.DomainName, r.DomainVersion, r.ChainId, r.Asset));
        return (authorization, authorization.Digest(domain));
    }

    /// <summary>The x402 payment payload object (v1 or v2) carrying the signed authorization.</summary>
    internal JsonElement Write(X402Requirement r, Eip3009Authorization a, byte[] rsv)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("x402Version"u8, r.X402Version);
            if (r.X402Version == 1)
            {
                w.WriteString("scheme"u8, r.Scheme);
                w.WriteString("network"u8, r.Network);
            }
            else
            {
                if (r.Resource is { } resource)
                {
                    w.WritePropertyName("resource"u8);
                    resource.WriteTo(w);
                }

                w.WritePropertyName("accepted"u8);
                r.Accepted.WriteTo(w);
            }

            w.WriteStartObject("payload"u8);
            w.WriteString("signature"u8, Hex.Encode(rsv));
            w.WriteStartObject("authorization"u8);
            w.WriteString("from"u8, _addressChecksummed);
            w.WriteString("to"u8, (string)Cached("a:" + a.To, a.To, static to => AddressUtil.Current.ConvertToChecksumAddress(to)));
            w.WriteString("value"u8, a.Value.ToString(CultureInfo.InvariantCulture));
            w.WriteString("validAfter"u8, a.ValidAfter.ToString(CultureInfo.InvariantCulture));
            w.WriteString("validBefore"u8, a.ValidBefore.ToString(CultureInfo.InvariantCulture));
            w.WriteString("nonce"u8, Hex.Encode(a.Nonce));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private object Cached<TState>(string key, TState state, Func<TState, object> compute)
    {
        if (_cache.TryGetValue(key, out var value))
        {
            return value;
        }

        if (_cache.Count >= 256)
        {
            _cache.Clear();
        }

        return _cache.GetOrAdd(key, compute(state));
    }

    public override string ToString() => $"X402ExactMethod {{ Address = {_addressChecksummed}, Networks = [{string.Join(", ", _chains.Select(X402Networks.Caip2))}] }}";
}
