// Benchmark/interop client that pays an mppx server with mppx's own client.
//
// Usage: node client-bench.mjs --url http://127.0.0.1:PORT [--n 200] [--concurrency 1]
//                              [--warmup 20]
//
// Prints one JSON line to stdout:
//   {"client":"mppx","paid_rps":..,"paid_ms_total":..,"free_mppx_rps":..,
//    "free_bare_rps":..,"n":..,"concurrency":..}
// Exits non-zero (message on stderr) if any paid request is not 200 with a valid
// Payment-Receipt, or any free request is not 200.
import { Credential, Method, Receipt, z } from 'mppx'
import { Mppx } from 'mppx/client'

const args = parseArgs(process.argv.slice(2))
const baseUrl = String(args.url ?? '').replace(/\/+$/, '')
const n = Number(args.n ?? 200)
const concurrency = Number(args.concurrency ?? 1)
const warmup = Number(args.warmup ?? Math.min(20, n))
if (!baseUrl || !Number.isInteger(n) || n < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: node client-bench.mjs --url http://127.0.0.1:PORT [--n 200] [--concurrency 1|16]')
  process.exit(2)
}

// Same method definition as server.mjs (name/intent/schemas).
const testCharge = Method.from({
  name: 'test',
  intent: 'charge',
  schema: {
    credential: { payload: z.object({ token: z.string() }) },
    request: z.object({ amount: z.string(), currency: z.string(), recipient: z.string() }),
  },
})

const testChargeClient = Method.toClient(testCharge, {
  async createCredential({ challenge }) {
    return Credential.serialize({ challenge, payload: { token: 'valid-test-token' } })
  },
})

const bareFetch = globalThis.fetch
// polyfill:false keeps globalThis.fetch untouched so the "bare" numbers really are bare.
const mppx = Mppx.create({ methods: [testChargeClient], polyfill: false })

async function paidOnce() {
  const res = await mppx.fetch(`${baseUrl}/paid`)
  const body = await res.text()
  if (res.status !== 200) throw new Error(`paid: expected 200, got ${res.status}: ${body}`)
  const header = res.headers.get('Payment-Receipt')
  if (!header) throw new Error('paid: missing Payment-Receipt header')
  const receipt = Receipt.deserialize(header)
  if (receipt.status !== 'success' || receipt.method !== 'test')
    throw new Error(`paid: unexpected receipt ${JSON.stringify(receipt)}`)
}

function freeOnce(fetchFn) {
  return async () => {
    const res = await fetchFn(`${baseUrl}/free`)
    const body = await res.text()
    if (res.status !== 200 || body !== 'free') throw new Error(`free: got ${res.status}: ${body}`)
  }
}

// Runs `fn` `count` times with at most `conc` in flight; returns elapsed ms.
async function run(fn, count, conc) {
  const start = process.hrtime.bigint()
  if (conc <= 1) {
    for (let i = 0; i < count; i++) await fn()
  } else {
    let next = 0
    const worker = async () => {
      while (next < count) {
        next++
        await fn()
      }
    }
    await Promise.all(Array.from({ length: Math.min(conc, count) }, worker))
  }
  return Number(process.hrtime.bigint() - start) / 1e6
}

const rps = (count, ms) => Math.round((count / (ms / 1000)) * 100) / 100
const round = (x) => Math.round(x * 100) / 100

try {
  // Warm-up (JIT, connection pool, server caches).
  await run(paidOnce, warmup, concurrency)
  await run(freeOnce(mppx.fetch), warmup, concurrency)
  await run(freeOnce(bareFetch), warmup, concurrency)

  const paidMs = await run(paidOnce, n, concurrency)
  // Free requests: 10 interleaved rounds (bare, then payment-enabled), so drift hits both sides alike.
  const rounds = 10
  const perRound = Math.max(1, Math.floor(n / rounds))
  let freeMppxMs = 0
  let freeBareMs = 0
  for (let r = 0; r < rounds; r++) {
    freeBareMs += await run(freeOnce(bareFetch), perRound, concurrency)
    freeMppxMs += await run(freeOnce(mppx.fetch), perRound, concurrency)
  }
  const freeN = perRound * rounds

  process.stdout.write(
    `${JSON.stringify({
      client: 'mppx',
      paid_rps: rps(n, paidMs),
      paid_ms_total: round(paidMs),
      free_mppx_rps: rps(freeN, freeMppxMs),
      free_bare_rps: rps(freeN, freeBareMs),
      n,
      concurrency,
    })}\n`,
  )
} catch (error) {
  console.error(`client-bench failed: ${error?.stack ?? error}`)
  process.exit(1)
}

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) continue
    const eq = a.indexOf('=')
    if (eq > 0) {
      out[a.slice(2, eq)] = a.slice(eq + 1)
      continue
    }
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true
    else {
      out[a.slice(2)] = next
      i++
    }
  }
  return out
}
