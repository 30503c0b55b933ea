// Decodes BOLT11 invoices with the npm package bolt11 (pinned by package-lock.json), an implementation independent of
// Mpp.Client.Lightning's decoder: a JSON array of invoices on stdin, a JSON array of decoded fields on stdout.
import bolt11 from 'bolt11';

const networks = {
  lnbcrt: { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] },
  lntbs: { bech32: 'tbs', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] },
};

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const out = input.map((invoice) => {
  try {
    const prefix = Object.keys(networks).find((p) => invoice.startsWith(p));
    const d = bolt11.decode(invoice, prefix ? networks[prefix] : undefined);
    const tag = (name) => d.tags.find((t) => t.tagName === name)?.data;
    const features = tag('feature_bits');
    return {
      ok: true,
      millisatoshis: d.millisatoshis ?? null,
      timestamp: d.timestamp,
      payee: d.payeeNodeKey,
      paymentHash: tag('payment_hash') ?? null,
      paymentSecret: tag('payment_secret') ?? null,
      description: tag('description') ?? null,
      descriptionHash: tag('purpose_commit_hash') ?? null,
      expiry: tag('expire_time') ?? 3600,
      minFinalCltvExpiry: tag('min_final_cltv_expiry') ?? 18,
      metadata: tag('metadata') ?? null,
      fallbacks: d.tags.filter((t) => t.tagName === 'fallback_address').map((t) => ({ code: t.data.code, address: t.data.address })),
      routes: d.tags.filter((t) => t.tagName === 'routing_info').map((t) => t.data.map((h) => ({
        pubkey: h.pubkey, shortChannelId: h.short_channel_id, feeBaseMsat: h.fee_base_msat,
        feeProportionalMillionths: h.fee_proportional_millionths, cltvExpiryDelta: h.cltv_expiry_delta,
      }))),
      featureBits: features ? Object.entries(features).filter(([k, v]) => v && typeof v === 'object' && (v.required || v.supported))
        .map(([k, v]) => ({ name: k, required: !!v.required, supported: !!v.supported })) : [],
    };
  } catch (e) {
    return { ok: false, error: String(e?.message ?? e) };
  }
});
process.stdout.write(JSON.stringify(out));
