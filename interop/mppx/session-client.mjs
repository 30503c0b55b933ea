// mppx's OWN session client (`tempo.session.manager`, TIP-1034, sessionProtocol "v2") running a whole session against a
// session server (e.g. session-server.mjs) whose channels live on an arbitrary Tempo JSON-RPC endpoint (e.g. the .NET
// tests' FakeTempoChain): open with the first paid request, N voucher-paid requests, a top-up, then close. Optionally an
// SSE stream metered per token on a second channel, and per-request timings of voucher-paid vs unpaid requests.
//
// Usage: node session-client.mjs --url http://127.0.0.1:<port>/ --rpc-url http://127.0.0.1:<port>/ --private-key 0x..
//        [--chain-id 42431] [--vouchers 50] [--top-up 0.5] [--max-deposit 10] [--stream-tokens 0]
//        [--timed 0] [--probe] [--trace] [--trace-wire]
//
// Prints one JSON object to stdout: { channelId, open, vouchers, lastVoucher, topUp, close, cumulative, stream?,
// timings? }; with --trace every HTTP exchange (method, path, credential action, status) goes to stderr. Exits 1 with
// the error on stderr when any step fails.
//   --probe:   before the top-up, sends hand-made voucher credentials mppx must refuse (replayed highest, lower, wrong
//              signer, above the deposit, unknown channel) and reports each answer's status and problem type.
//   --timed K: after the vouchers, K rounds of [unpaid GET /free -> 200, bare GET /paid -> 402, voucher-paid GET /paid
//              through the session manager -> 200] on the same server, each timed with performance.now(); reports
//              median/mean/p90 (ms) for each and the median ratios.
import { createClient, http as viemHttp } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { tempoModerato } from 'viem/tempo/chains'
import { tempo } from 'mppx/client'
import { parseArgs } from './harness.mjs'

const args = parseArgs(process.argv.slice(2))
const BASE = args.url
const RPC_URL = args['rpc-url']
const KEY = args['private-key']
const CHAIN_ID = Number(args['chain-id'] ?? 42431)
const VOUCHERS = Number(args.vouchers ?? 50)
const TOP_UP = args['top-up'] === undefined ? '0.5' : String(args['top-up'])
const MAX_DEPOSIT = String(args['max-deposit'] ?? '10')
const STREAM_TOKENS = Number(args['stream-tokens'] ?? 0)
const TIMED = Number(args.timed ?? 0)
const TRACE = Boolean(args.trace)
const PROBE = Boolean(args.probe)
const ESCROW = '0x4d50500000000000000000000000000000000000'
if (!BASE || !RPC_URL || !KEY) {
  console.error('--url, --rpc-url and --private-key are required')
  process.exit(2)
}

const account = privateKeyToAccount(KEY)
const chain = { ...tempoModerato, id: CHAIN_ID, rpcUrls: { default: { http: [RPC_URL] } } }
const client = createClient({ account, chain, pollingInterval: 50, transport: viemHttp(RPC_URL, { retryCount: 0 }) })

function decodeBase64Url(text) {
  return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
}

// fetch that optionally traces each exchange: the credential's action (never its signature) and the answer's status.
let lastVoucherCredential
async function tracingFetch(input, init) {
  const response = await fetch(input, init)
  const sent = new Headers(init?.headers).get('authorization')
  if (sent?.startsWith('Payment ')) {
    const credential = decodeBase64Url(sent.slice('Payment '.length))
    if (credential.payload?.action === 'voucher') lastVoucherCredential = credential
  }
  if (TRACE) {
    const headers = new Headers(init?.headers)
    const auth = headers.get('authorization')
    let action = '-'
    if (auth?.startsWith('Payment ')) {
      try {
        const credential = decodeBase64Url(auth.slice('Payment '.length))
        action = `${credential.challenge?.intent}/${credential.payload?.action ?? credential.payload?.type}`
      } catch {
        action = '?'
      }
    }
    const url = input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url)
    console.error(`[session-client] ${init?.method ?? 'GET'} ${url.pathname} ${action} -> ${response.status}`)
    if (args['trace-wire']) {
      const hint = headers.get('payment-session')
      if (hint) console.error(`[wire] request Payment-Session: ${hint}`)
      if (auth?.startsWith('Payment ')) {
        const credential = decodeBase64Url(auth.slice('Payment '.length))
        console.error(`[wire] credential: ${JSON.stringify({ ...credential, challenge: { ...credential.challenge, request: '(as challenged)' } })}`)
      }
      const challenge = response.headers.get('www-authenticate')
      if (challenge) console.error(`[wire] WWW-Authenticate: ${challenge}`)
      const receipt = response.headers.get('payment-receipt')
      if (receipt) console.error(`[wire] Payment-Receipt: ${JSON.stringify(decodeBase64Url(receipt))}`)
      for (const name of ['payment-session', 'payment-session-snapshot', 'content-type'])
        if (response.headers.get(name)) console.error(`[wire] response ${name}: ${response.headers.get(name)}`)
    }
  }
  return response
}

function receiptOf(response) {
  const header = response.headers.get('payment-receipt')
  return header ? decodeBase64Url(header) : null
}

function manager() {
  return tempo.session.manager({ client, account, maxDeposit: MAX_DEPOSIT, fetch: tracingFetch })
}

async function paidGet(session, path) {
  const response = await session.fetch(new URL(path, BASE).toString())
  const body = await response.text()
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body}`)
  return { status: response.status, receipt: receiptOf(response) }
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length
  return { n: sorted.length, median: at(0.5), mean, p90: at(0.9) }
}

// Hostile-client probes against the mppx server (each a GET /paid with a hand-made voucher credential reusing the last
// challenge echo): what status and problem type mppx 0.11.0 answers. The session's own state is left as it was.
async function probeRefusals(session) {
  const base = lastVoucherCredential
  if (!base) throw new Error('no voucher credential to probe with')
  const { channelId, cumulativeAmount } = base.payload
  const highest = BigInt(cumulativeAmount)
  const sign = (signer, amount) =>
    signer.signTypedData({
      domain: { name: 'TIP20 Channel Reserve', version: '1', chainId: CHAIN_ID, verifyingContract: ESCROW },
      types: { Voucher: [{ name: 'channelId', type: 'bytes32' }, { name: 'cumulativeAmount', type: 'uint96' }] },
      primaryType: 'Voucher',
      message: { channelId, cumulativeAmount: amount },
    })
  const stranger = privateKeyToAccount(generatePrivateKey())
  const cases = {
    replayHighest: { ...base.payload },
    lower: { ...base.payload, cumulativeAmount: String(highest - 1n), signature: await sign(account, highest - 1n) },
    wrongSigner: { ...base.payload, cumulativeAmount: String(highest + 10_000n), signature: await sign(stranger, highest + 10_000n) },
    aboveDeposit: { ...base.payload, cumulativeAmount: '1000000000000', signature: await sign(account, 1_000_000_000_000n) },
    unknownChannel: { ...base.payload, channelId: `0x${'ab'.repeat(32)}` },
  }
  const out = {}
  for (const [name, payload] of Object.entries(cases)) {
    const credential = Buffer.from(JSON.stringify({ ...base, payload })).toString('base64url')
    const response = await fetch(new URL('/paid', BASE), {
      headers: { Authorization: `Payment ${credential}`, 'Payment-Session': channelId },
    })
    const text = await response.text()
    let problem
    try {
      problem = JSON.parse(text)
    } catch {
      problem = text
    }
    out[name] = {
      status: response.status,
      type: problem?.type,
      detail: problem?.detail,
      challenged: response.headers.has('www-authenticate'),
    }
  }
  return out
}

try {
  const session = manager()
  const open = await paidGet(session, '/paid')
  let lastVoucher = null
  for (let i = 0; i < VOUCHERS; i++) lastVoucher = await paidGet(session, '/paid')

  let timings
  if (TIMED > 0) {
    const free = []
    const challenged = []
    const paid = []
    for (let i = 0; i < TIMED; i++) {
      let t = performance.now()
      let response = await fetch(new URL('/free', BASE))
      await response.text()
      free.push(performance.now() - t)
      t = performance.now()
      response = await fetch(new URL('/paid', BASE))
      await response.text()
      if (response.status !== 402) throw new Error(`bare GET /paid answered ${response.status}`)
      challenged.push(performance.now() - t)
      t = performance.now()
      lastVoucher = await paidGet(session, '/paid')
      paid.push(performance.now() - t)
    }
    const unpaid = stats(free)
    const challenge = stats(challenged)
    const voucher = stats(paid)
    timings = {
      unpaid,
      challenge,
      voucher,
      voucherOverUnpaid: voucher.median / unpaid.median,
      voucherOverChallenge: voucher.median / challenge.median,
    }
  }

  const probes = PROBE ? await probeRefusals(session) : undefined

  const topUp = TOP_UP === '0' ? null : await session.topUp(TOP_UP)
  const cumulative = session.cumulative.toString()
  const close = await session.close()

  let stream
  if (STREAM_TOKENS > 0) {
    const s = manager()
    const receipts = []
    const tokens = []
    for await (const data of await s.sse(new URL(`/stream?tokens=${STREAM_TOKENS}`, BASE).toString(), {
      onReceipt: (receipt) => receipts.push(receipt),
    }))
      tokens.push(data)
    const streamCumulative = s.cumulative.toString()
    const streamClose = await s.close()
    stream = { channelId: s.channelId, tokens: tokens.length, receipts, cumulative: streamCumulative, close: streamClose }
  }

  const result = {
    channelId: session.channelId,
    open,
    vouchers: VOUCHERS + TIMED,
    lastVoucher,
    topUp: topUp ?? null,
    cumulative,
    close: close ?? null,
    ...(stream ? { stream } : {}),
    ...(probes ? { probes } : {}),
    ...(timings ? { timings } : {}),
  }
  process.stdout.write(JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? v.toString() : v)) + '\n')
} catch (error) {
  console.error('[session-client] failed:', error?.stack ?? error)
  process.exit(1)
}
