using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Mpp.Client.Http;
using Mpp.Client.Tempo.Keys;
using Mpp.Client.X402.Exact;
using Mpp.Client.X402.Internal;
using Mpp.Client.X402.Testing;
using Mpp.Client.X402.Tests.Support;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;

namespace Mpp.Client.X402.Tests.Exact;

/// <summary>The EIP-712 digest and signature against Nethereum's independent implementation; signers other than the built-in key.</summary>
public sealed class Eip3009SigningTests : IAsyncLifetime
{
    private X402TestServer _server = null!;

    public async Task InitializeAsync() => _server = await X402TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("USDC", "2", 84532, "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "1000")]
    [InlineData("USD Coin", "2", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "115792089237316195423570985008687907853269984665640564039457584007913129639935")]
    public void Signs_the_same_bytes_as_Nethereums_eth_signTypedData_v4(string name, string version, long chainId, string token, string value)
    {
        var keyBytes = RandomNumberGenerator.GetBytes(32);
        var key = TempoPrivateKey.FromHex(Convert.ToHexStringLower(keyBytes));
        var nonce = RandomNumberGenerator.GetBytes(32);
        var to = TempoPrivateKey.FromHex(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).Address;
        var authorization = new Eip3009Authorization(key.Address.ToLowerInvariant(), to.ToLowerInvariant(), BigInteger.Parse(value), 1_700_000_000, 1_800_000_000, nonce);

        var ours = key.SignHash(authorization.Digest(Eip3009Authorization.DomainSeparator(name, version, chainId, token.ToLowerInvariant()))).ToRsv();

        var json = $$$"""
            {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
            "TransferWithAuthorization":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"value","type":"uint256"},{"name":"validAfter","type":"uint256"},{"name":"validBefore","type":"uint256"},{"name":"nonce","type":"bytes32"}]},
            "primaryType":"TransferWithAuthorization",
            "domain":{"name":"{{{name}}}","version":"{{{version}}}","chainId":{{{chainId}}},"verifyingContract":"{{{token}}}"},
            "message":{"from":"{{{key.Address}}}","to":"{{{to}}}","value":"{{{value}}}","validAfter":"1700000000","validBefore":"1800000000","nonce":"0x{{{Convert.ToHexStringLower(nonce)}}}"}}
            """;
        var theirs = new Eip712TypedDataSigner().SignTypedDataV4(json, new EthECKey(keyBytes, isPrivate: true));

        Assert.Equal(theirs, "0x" + Convert.ToHexStringLower(ours)); // RFC 6979 on both sides: same digest, same signature
        Assert.True(ours[64] is 27 or 28);
    }

    [Fact]
    public async Task A_remote_signer_pays_and_a_high_s_signature_is_normalised()
    {
        _server.Map("/weather", new X402TestRoute());
        var signer = new RemoteSigner(RandomNumberGenerator.GetBytes(32)) { Tamper = HighS };
        await using var payer = X402Payer.CreateWithSigner(signer);

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, string.Join("; ", _server.Refusals));
        Assert.Equal(1, signer.Calls);
        var paid = Assert.Single(_server.Payments);
        Assert.Equal(signer.Address, paid.From);
    }

    public static TheoryData<string> BadSignatures => new() { "other key", "short", "bad v", "zero r" };

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task A_remote_signer_whose_signature_is_unusable_is_refused_and_nothing_is_sent(string kind)
    {
        _server.Map("/weather", new X402TestRoute());
        var other = new RemoteSigner(RandomNumberGenerator.GetBytes(32));
        byte[]? returned = null;
        var signer = new RemoteSigner(RandomNumberGenerator.GetBytes(32))
        {
            Tamper = rsv => returned = kind switch
            {
                "other key" => other.SignDigestAsync(RandomNumberGenerator.GetBytes(32), default).Result,
                "short" => rsv[..64],
                "bad v" => [.. rsv[..64], 5],
                _ => [.. new byte[32], .. rsv[32..]],
            },
        };
        await using var payer = X402Payer.CreateWithSigner(signer);

        using var response = await payer.Http.GetAsync(_server.Url("/weather"));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal(0, _server.PaymentHeadersReceived);
        var outcome = response.GetPaymentOutcome()!;
        Assert.Equal(MppErrorCode.CredentialCreationFailed, outcome.Code);
        Assert.DoesNotContain(Convert.ToHexStringLower(returned![..Math.Min(returned.Length, 32)]), outcome.Reason ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0m, await payer.SpentAsync());
    }

    private static byte[] HighS(byte[] rsv)
    {
        var n = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337");
        var s = new BigInteger(rsv.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var high = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var result = (byte[])rsv.Clone();
        Array.Clear(result, 32, 32);
        high.CopyTo(result, 64 - high.Length);
        result[64] = (byte)(result[64] == 27 ? 28 : 27);
        return result;
    }
}
