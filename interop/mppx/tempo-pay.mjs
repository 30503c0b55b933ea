// Pays one URL with mppx's OWN tempo charge client (mppx/client `tempo.charge`, a local viem account), pointed at an
// arbitrary Tempo JSON-RPC endpoint (e.g. the .NET tests' FakeTempoChain on loopback), so that a payee-side verifier
// (Mpp.Client.Tempo.Testing's TempoTestVerifier) can be checked against the reference client's real credentials.
//
// Usage: node tempo-pay.mjs --url http://127.0.0.1:<port>/paid --rpc-url http://127.0.0.1:<port>/ --private-key 0x..
//        [--chain-id 42431] [--mode pull|push] [--client-id <id>]
//
// Prints one JSON line to stdout: {"status":200,"receipt":{...}|null,"body":"..."}; exits non-zero (message on stderr)
// when mppx itself fails.
import { parseArgs } from './harness.mjs'
import { createClient, http as viemHttp } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { tempoModerato } from 'viem/tempo/chains'
import { Mppx, tempo } from 'mppx/client'
import { Receipt } from 'mppx'

const args = parseArgs(process.argv.slice(2))
const URL_TO_PAY = args.url
const RPC_URL = args['rpc-url']
const KEY = args['private-key']
const CHAIN_ID = Number(args['chain-id'] ?? 42431)
if (!URL_TO_PAY || !RPC_URL || !KEY) {
  console.error('--url, --rpc-url and --private-key are required')
  process.exit(2)
}

// The chain definition keeps viem's Tempo serializers/formatters; only id and RPC change.
const chain = { ...tempoModerato, id: CHAIN_ID, rpcUrls: { default: { http: [RPC_URL] } } }
const account = privateKeyToAccount(KEY)
const client = createClient({ account, chain, transport: viemHttp(RPC_URL, { retryCount: 0 }) })

const mppx = Mppx.create({
  methods: [
    tempo.charge({
      account,
      getClient: async () => client,
      ...(args.mode ? { mode: args.mode } : {}),
      ...(args['client-id'] ? { clientId: args['client-id'] } : {}),
    }),
  ],
  polyfill: false,
})

try {
  const response = await mppx.fetch(URL_TO_PAY)
  const body = await response.text()
  const header = response.headers.get('Payment-Receipt')
  const receipt = header ? Receipt.deserialize(header) : null
  process.stdout.write(JSON.stringify({ status: response.status, receipt, body }) + '\n')
} catch (error) {
  console.error(`[tempo-pay] ${error?.stack ?? error}`)
  process.exit(1)
}
