// Live mppx server used by Mpp.Client interop tests and benchmarks.
//
// Usage: node server.mjs [--port 0] [--realm mppx-interop] [--exit-on-stdin-close | --no-stdin-watch]
//
// Prints exactly one line to stdout, `LISTENING <port>`, once the socket is bound,
// then serves until SIGTERM/SIGINT (or until stdin closes, see below).
// Diagnostics go to stderr only.
//
// Routes:
//   GET  /free  -> 200 "free" (no payment)
//   GET  /paid  -> 402 challenge (method "test", intent "charge",
//                  amount "1000", currency "usd", recipient "acct_test");
//                  with a valid credential: 200 {"paid":true} + Payment-Receipt
//   POST /paid  -> same price; once paid: 200 {"paid":true,"bodyLength":<bytes>}
//   anything else -> 404
import { parseArgs, serveHandler } from './harness.mjs'
import { Errors, Method, Receipt, z } from 'mppx'
import { Mppx } from 'mppx/server'

const args = parseArgs(process.argv.slice(2))

// Fixed (test-only!) HMAC key for challenge ids. mppx requires >= 32 bytes.
const SECRET_KEY =
  process.env.MPPX_INTEROP_SECRET_KEY || 'mpp-client-interop-test-secret-key-0123456789abcdef'
const REALM = args.realm || process.env.MPPX_INTEROP_REALM || 'mppx-interop'
const VALID_TOKEN = 'valid-test-token'
const PRICE = { amount: '1000', currency: 'usd', recipient: 'acct_test' }

// Shared method definition (name/intent/schemas). Same shape the client uses.
export const testCharge = Method.from({
  name: 'test',
  intent: 'charge',
  schema: {
    credential: {
      payload: z.object({ token: z.string() }),
    },
    request: z.object({
      amount: z.string(),
      currency: z.string(),
      recipient: z.string(),
    }),
  },
})

let receiptCounter = 0
const testChargeServer = Method.toServer(testCharge, {
  async verify({ credential }) {
    if (credential.payload.token !== VALID_TOKEN)
      throw new Errors.VerificationFailedError({ reason: 'invalid test token' })
    receiptCounter += 1
    return Receipt.from({
      method: 'test',
      reference: `test_${credential.challenge.id.slice(0, 12)}_${receiptCounter}`,
      status: 'success',
      timestamp: new Date().toISOString(),
    })
  },
})

const mppx = Mppx.create({
  methods: [testChargeServer],
  realm: REALM,
  secretKey: SECRET_KEY,
})

const chargePaid = mppx.charge(PRICE)

async function handle(request) {
  const url = new URL(request.url)
  if (url.pathname === '/free' && (request.method === 'GET' || request.method === 'HEAD'))
    return new Response('free', { status: 200, headers: { 'Content-Type': 'text/plain' } })

  if (url.pathname === '/paid' && (request.method === 'GET' || request.method === 'POST')) {
    const result = await chargePaid(request)
    if (result.status === 402) {
      // Drain any unread request body so keep-alive connections stay usable.
      if (request.body && !request.bodyUsed) await request.arrayBuffer().catch(() => {})
      return result.challenge
    }
    const body = { paid: true }
    if (request.method === 'POST') body.bodyLength = (await request.arrayBuffer()).byteLength
    return result.withReceipt(Response.json(body))
  }

  if (request.body && !request.bodyUsed) await request.arrayBuffer().catch(() => {})
  return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
}

serveHandler(handle, args, 'server')
