using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mpp.Client.Lightning.Invoices;
using Mpp.Client.TestSupport;
using NBitcoin;

namespace Mpp.Client.Lightning.Tests.Interop;

/// <summary>
/// Generated invoices (every network, msat amounts, unicode and hashed descriptions, expiry, CLTV, fallbacks, route
/// hints, features; metadata fields are written but bolt11 1.4.1 does not read them) decode to the same values with this decoder and with the npm package bolt11 (an independent
/// implementation, pinned by interop/lightning/package-lock.json), which also recovers the same payee from the signature.
/// </summary>
public sealed class NpmBolt11CrossCheckTests
{
    private static string Dir => Path.Combine(RepositoryRoot.Path, "interop", "lightning");

    [Fact]
    public async Task Generated_invoices_decode_alike_here_and_in_bolt11_on_npm()
    {
        var random = new Random(20261130);
        var invoices = Enumerable.Range(0, 60).Select(i => Generate(random, i)).ToList();

        var theirs = await DecodeWithNpmAsync(invoices);

        Assert.Equal(invoices.Count, theirs.GetArrayLength());
        for (var i = 0; i < invoices.Count; i++)
        {
            var ours = Bolt11Invoice.Decode(invoices[i]);
            var t = theirs[i];
            Assert.True(t.GetProperty("ok").GetBoolean(), $"#{i}: {t}");
            Assert.Equal(ours.AmountMsat?.ToString(CultureInfo.InvariantCulture), t.GetProperty("millisatoshis").GetString());
            Assert.Equal(ours.Timestamp.ToUnixTimeSeconds(), t.GetProperty("timestamp").GetInt64());
            Assert.Equal(ours.PayeeNodeId, t.GetProperty("payee").GetString());
            Assert.Equal(ours.PaymentHash, t.GetProperty("paymentHash").GetString());
            Assert.Equal(ours.PaymentSecret, t.GetProperty("paymentSecret").GetString());
            Assert.Equal(ours.Description, Str(t, "description"));
            Assert.Equal(ours.DescriptionHash, Str(t, "descriptionHash"));
            Assert.Equal((long)ours.Expiry.TotalSeconds, t.GetProperty("expiry").GetInt64());
            Assert.Equal(ours.MinFinalCltvExpiry, t.GetProperty("minFinalCltvExpiry").GetInt64());
            Assert.Equal(ours.FallbackAddresses.Select(f => (f.Version, f.Address)),
                t.GetProperty("fallbacks").EnumerateArray().Select(f => (f.GetProperty("code").GetInt32(), (string?)f.GetProperty("address").GetString())));
            Assert.Equal(ours.RouteHints.Select(r => string.Join(";", r.Select(h => $"{h.NodeId},{h.ShortChannelId:x16},{h.FeeBaseMsat},{h.FeeProportionalMillionths},{h.CltvExpiryDelta}"))),
                t.GetProperty("routes").EnumerateArray().Select(r => string.Join(";", r.EnumerateArray().Select(h =>
                    $"{h.GetProperty("pubkey").GetString()},{h.GetProperty("shortChannelId").GetString()},{h.GetProperty("feeBaseMsat").GetInt64()},{h.GetProperty("feeProportionalMillionths").GetInt64()},{h.GetProperty("cltvExpiryDelta").GetInt64()}"))));
            var named = t.GetProperty("featureBits").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => (f.GetProperty("required").GetBoolean(), f.GetProperty("supported").GetBoolean()));
            foreach (var (name, bit) in new[] { ("var_onion_optin", 8), ("payment_secret", 14), ("basic_mpp", 16) })
            {
                var expected = (ours.FeatureBits.Contains(bit), ours.FeatureBits.Contains(bit + 1));
                Assert.Equal(expected, named.GetValueOrDefault(name));
            }
        }
    }

    private static string Generate(Random random, int i)
    {
        var network = (LightningNetwork)(i % 4);
        long? amount = (i % 7) switch
        {
            0 => null,
            1 => random.NextInt64(1, 1000), // sub-satoshi msat
            2 => random.NextInt64(1, 100_000) * 1000 + random.NextInt64(1, 1000),
            3 => 2_100_000_000_000_000, // 21 BTC
            _ => random.NextInt64(1, 10_000_000) * 1000,
        };
        var key = new Key(Bytes(random, 32));
        var encoder = new Bolt11Encoder(network, amount, DateTimeOffset.FromUnixTimeSeconds(random.NextInt64(1_500_000_000, 1_900_000_000)))
            .PaymentSecret(Bytes(random, 32))
            .PaymentHash(Bytes(random, 32));
        if (i % 3 == 0)
        {
            encoder.DescriptionHash(SHA256.HashData(Bytes(random, 40)));
        }
        else
        {
            encoder.Description(i % 2 == 0 ? $"coffee #{i} ☕ ナンセンス" : new string('x', random.Next(0, 300)));
        }

        if (i % 2 == 1)
        {
            encoder.Expiry(random.NextInt64(1, 1_000_000));
        }

        if (i % 5 != 0)
        {
            encoder.MinFinalCltvExpiry(random.NextInt64(1, 2000));
        }

        if (network != LightningNetwork.Signet && i % 4 != 2)
        {
            encoder.Field(9, [17, .. Bolt11Encoder.ToGroups(Bytes(random, 20))]);
            encoder.Field(9, [0, .. Bolt11Encoder.ToGroups(Bytes(random, 20))]);
        }

        if (i % 3 == 1)
        {
            var route = new List<byte>();
            for (var h = 0; h < 1 + (i % 2); h++)
            {
                route.AddRange(new Key(Bytes(random, 32)).PubKey.ToBytes());
                route.AddRange(Bytes(random, 8));
                route.AddRange(BigEndian((uint)random.Next(0, 5000)));
                route.AddRange(BigEndian((uint)random.Next(0, 5000)));
                route.AddRange(BigEndian((uint)random.Next(0, 500))[2..]);
            }

            encoder.Field(3, Bolt11Encoder.ToGroups(route.ToArray()));
        }

        if (i % 6 == 5)
        {
            encoder.Field(27, Bolt11Encoder.ToGroups(Bytes(random, 4)));
        }

        encoder.Features(i % 2 == 0 ? [8, 14, 16] : [9, 15, 17]);
        if (i % 4 == 3)
        {
            encoder.PayeeNodeId(key.PubKey);
        }

        return encoder.Sign(key);
    }

    private static byte[] Bytes(Random random, int n)
    {
        var b = new byte[n];
        random.NextBytes(b);
        b[0] |= 1; // never a zero private key
        return b;
    }

    private static byte[] BigEndian(uint v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];

    private static string? Str(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    private static async Task<JsonElement> DecodeWithNpmAsync(IReadOnlyList<string> invoices)
    {
        await NodeTools.EnsureInstalledAsync(Dir, "bolt11");
        using var process = NodeTools.Start(new ProcessStartInfo("node", "decode.mjs")
        {
            WorkingDirectory = Dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        });
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(invoices));
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout;
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : throw new InvalidOperationException("decode.mjs wrote nothing: " + await stderr);
    }
}
