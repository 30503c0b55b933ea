// mppx server using mppx's OWN `tempo` charge method (no custom verify), pointed at an
// arbitrary Tempo JSON-RPC endpoint (e.g. the .NET tests' FakeTempoChain on loopback).
//
// Usage: node tempo-server.mjs --rpc-url http://127.0.0.1:<port>/ --recipient 0x.. --split-recipient 0x..
//        [--chain-id 42431] [--port 0] [--realm mppx-tempo-interop] [--exit-on-stdin-close]
//
// Prints exactly one line to stdout, `LISTENING <port>`, once bound; diagnostics go to stderr.
// Routes (currency pathUSD, 6 decimals):
//   GET /paid   -> tempo/charge 0.01 (10000 base units) to --recipient
//   GET /split  -> tempo/charge 0.01 total, of which 0.002 goes to --split-recipient
//   GET /proof  -> tempo/charge 0 (zero-amount: a signed proof, no transaction)
//   GET /push   -> tempo/charge 0.01 with supportedModes ["push"]: the client broadcasts and sends the hash
//   GET /sponsored -> tempo/charge 0.01 with feePayer: the server co-signs the client's 0x78 hand-off with
//                  --fee-payer-key (a test key) and broadcasts the 0x76 envelope
import { parseArgs, serveRoutes } from './harness.mjs'
import { createClient, http as viemHttp } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { tempoModerato } from 'viem/tempo/chains'
import { Mppx, tempo } from 'mppx/server'

const args = parseArgs(process.argv.slice(2))
const RPC_URL = args['rpc-url'] || process.env.MPPX_TEMPO_RPC_URL
const RECIPIENT = args.recipient || process.env.MPPX_TEMPO_RECIPIENT
const SPLIT_RECIPIENT = args['split-recipient'] || process.env.MPPX_TEMPO_SPLIT_RECIPIENT
const FEE_PAYER_KEY = args['fee-payer-key'] || process.env.MPPX_TEMPO_FEE_PAYER_KEY
const CHAIN_ID = Number(args['chain-id'] ?? 42431)
const REALM = args.realm || 'mppx-tempo-interop'
const SECRET_KEY = 'mpp-client-tempo-interop-secret-key-0123456789abcdef'
const PATH_USD = '0x20c0000000000000000000000000000000000000'
if (!RPC_URL || !RECIPIENT || !SPLIT_RECIPIENT) {
  console.error('--rpc-url, --recipient and --split-recipient are required')
  process.exit(2)
}

// The chain definition keeps viem's Tempo serializers/formatters; only id and RPC change.
const chain = {
  ...tempoModerato,
  id: CHAIN_ID,
  rpcUrls: { default: { http: [RPC_URL] } },
}
const client = createClient({ chain, transport: viemHttp(RPC_URL, { retryCount: 0 }) })

const mppx = Mppx.create({
  methods: [
    tempo.charge({
      currency: PATH_USD,
      recipient: RECIPIENT,
      testnet: CHAIN_ID === 42431,
      getClient: async () => client,
    }),
  ],
  realm: REALM,
  secretKey: SECRET_KEY,
})

const routes = {
  '/paid': mppx.charge({ amount: '0.01', chainId: CHAIN_ID }),
  '/split': mppx.charge({
    amount: '0.01',
    chainId: CHAIN_ID,
    splits: [{ recipient: SPLIT_RECIPIENT, amount: '0.002' }],
  }),
  '/proof': mppx.charge({ amount: '0', chainId: CHAIN_ID }),
  '/push': mppx.charge({ amount: '0.01', chainId: CHAIN_ID, supportedModes: ['push'] }),
  ...(FEE_PAYER_KEY
    ? {
        '/sponsored': mppx.charge({
          amount: '0.01',
          chainId: CHAIN_ID,
          feePayer: privateKeyToAccount(FEE_PAYER_KEY),
        }),
      }
    : {}),
}

serveRoutes(routes, args, 'tempo-server')
