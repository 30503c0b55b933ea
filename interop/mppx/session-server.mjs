// mppx server using mppx's OWN `tempo` session method (TIP-1034 channel escrow, sessionProtocol "v2"; no custom verify),
// pointed at an arbitrary Tempo JSON-RPC endpoint (e.g. the .NET tests' FakeTempoChain on loopback).
//
// Usage: node session-server.mjs --rpc-url http://127.0.0.1:<port>/ --payee-key 0x<32-byte test key>
//        [--chain-id 42431] [--amount 0.01] [--token-amount 0.0001] [--suggested-deposit 1] [--port 0]
//        [--fee-payer-key 0x<32-byte test key>] [--realm mppx-session-interop] [--exit-on-stdin-close]
//
// Prints exactly one line to stdout, `LISTENING <port>`, once bound; diagnostics go to stderr. The payee key is the
// server's account: channels are opened to its address and it signs the close transactions (a test key only). With
// --fee-payer-key, challenges say feePayer: true and that (test) account co-signs the clients' open and top-up
// transactions and the server's own close as fee payer.
// Routes (currency pathUSD, 6 decimals):
//   GET  /free        -> 200, no payment (the baseline for per-request latency)
//   GET  /paid        -> tempo/session, --amount per request (unitType "request"): 402 with the challenge, then 200 +
//                        Payment-Receipt for an open or voucher credential; POST/HEAD with a management credential
//                        (voucher without content, topUp, close) -> 204 + receipt
//   GET  /stream?tokens=N -> tempo/session with the SSE transport, --token-amount per streamed token (unitType "token"):
//                        an SSE stream that charges each token (payment-need-voucher when the channel runs dry,
//                        payment-receipt at the end); POST with a voucher/topUp/close credential -> 204
import { createClient, http as viemHttp } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { tempoModerato } from 'viem/tempo/chains'
import { Mppx, Store, tempo } from 'mppx/server'
import { parseArgs, serveHandler } from './harness.mjs'

const args = parseArgs(process.argv.slice(2))
const RPC_URL = args['rpc-url'] || process.env.MPPX_TEMPO_RPC_URL
const PAYEE_KEY = args['payee-key'] || process.env.MPPX_SESSION_PAYEE_KEY
const FEE_PAYER_KEY = args['fee-payer-key'] || process.env.MPPX_SESSION_FEE_PAYER_KEY
const CHAIN_ID = Number(args['chain-id'] ?? 42431)
const AMOUNT = String(args.amount ?? '0.01')
const TOKEN_AMOUNT = String(args['token-amount'] ?? '0.0001')
const SUGGESTED_DEPOSIT = String(args['suggested-deposit'] ?? '1')
const REALM = args.realm || 'mppx-session-interop'
const SECRET_KEY = 'mpp-client-session-interop-secret-key-0123456789abcdef'
const PATH_USD = '0x20c0000000000000000000000000000000000000'
if (!RPC_URL || !PAYEE_KEY) {
  console.error('--rpc-url and --payee-key are required')
  process.exit(2)
}

const account = privateKeyToAccount(PAYEE_KEY)
// The chain definition keeps viem's Tempo serializers/formatters; only id and RPC change. The client carries the payee
// account: mppx signs its close (and settle) transactions with it.
const chain = { ...tempoModerato, id: CHAIN_ID, rpcUrls: { default: { http: [RPC_URL] } } }
const client = createClient({ account, chain, pollingInterval: 50, transport: viemHttp(RPC_URL, { retryCount: 0 }) })

function sessionMethod(sse) {
  return tempo.session({
    account,
    chainId: CHAIN_ID,
    currency: PATH_USD,
    getClient: async () => client,
    store: Store.memory(),
    ...(FEE_PAYER_KEY ? { feePayer: privateKeyToAccount(FEE_PAYER_KEY) } : {}),
    ...(sse ? { sse: true } : {}),
  })
}

// Two instances: request/response charging and SSE metering keep separate channel stores (a channel opened on /paid is
// not reused by /stream), as mppx's examples run them.
const paid = Mppx.create({ methods: [sessionMethod(false)], realm: REALM, secretKey: SECRET_KEY })
const streamed = Mppx.create({ methods: [sessionMethod(true)], realm: REALM, secretKey: SECRET_KEY })

async function* tokens(count) {
  for (let i = 0; i < count; i++) yield `token-${i} `
}

serveHandler(async (request) => {
  const url = new URL(request.url)
  if (url.pathname === '/free' && request.method === 'GET') return Response.json({ paid: false, route: '/free' })

  if (url.pathname === '/paid') {
    const result = await paid.session({ amount: AMOUNT, unitType: 'request', suggestedDeposit: SUGGESTED_DEPOSIT })(request)
    if (result.status === 402) return result.challenge
    if (request.method !== 'GET') return result.withReceipt(new Response(null, { status: 204 }))
    return result.withReceipt(Response.json({ paid: true, route: '/paid' }))
  }

  if (url.pathname === '/stream') {
    const count = Math.max(0, Math.min(10_000, Number(url.searchParams.get('tokens') ?? 20)))
    const result = await streamed.session({ amount: TOKEN_AMOUNT, unitType: 'token', suggestedDeposit: SUGGESTED_DEPOSIT })(request)
    if (result.status === 402) return result.challenge
    if (request.method !== 'GET') return result.withReceipt(new Response(null, { status: 204 }))
    return result.withReceipt(async function* (stream) {
      for await (const token of tokens(count)) {
        await stream.charge()
        yield token
      }
    })
  }

  return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
}, args, 'session-server')
