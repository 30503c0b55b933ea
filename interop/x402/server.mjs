// Live x402 resource servers built with the official middleware, a local facilitator built with the official
// facilitator packages, and a fake EVM JSON-RPC, all on one loopback port (the process protocol of
// ../mppx/harness.mjs: `LISTENING <port>`, exit when stdin closes):
//   GET  /v1/weather          x402-express 1.2.0 (x402 v1: requirements in the 402 body, X-PAYMENT)
//   GET  /v2/weather          @x402/express 2.27.0 (x402 v2: PAYMENT-REQUIRED header, PAYMENT-SIGNATURE)
//   POST /facilitator/{verify,settle}, GET /facilitator/supported
//                              x402Facilitator (@x402/core) with @x402/evm's exact scheme (v1 and v2), whose chain
//                              calls go to /rpc
//   POST /rpc                  the fake chain (fake-chain.mjs): checks every transferWithAuthorization it is sent
//   GET  /chain/transfers      the transfers the fake chain accepted
//   POST /oracle/verify        {header, requirements}: the header decoded by the official decoder and verified by the
//                              official facilitator (no settlement)
// Options: --pay-to <address> --price <$ amount> --max-timeout <seconds>
import * as nodeHttp from 'node:http'
import express from 'express'
import { x402Facilitator } from '@x402/core/facilitator'
import { decodePaymentSignatureHeader } from '@x402/core/http'
import { HTTPFacilitatorClient } from '@x402/core/server'
import { toFacilitatorEvmSigner } from '@x402/evm'
import { registerExactEvmScheme } from '@x402/evm/exact/facilitator'
import { ExactEvmScheme } from '@x402/evm/exact/server'
import { paymentMiddleware as paymentMiddlewareV2, x402ResourceServer } from '@x402/express'
import { createWalletClient, http, publicActions } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { baseSepolia } from 'viem/chains'
import { paymentMiddleware as paymentMiddlewareV1 } from 'x402-express'
import { exact } from 'x402/schemes'
import { createFakeChain } from './fake-chain.mjs'
import { parseArgs, serve } from './harness.mjs'

const args = parseArgs(process.argv.slice(2))
const payTo = args['pay-to'] ?? '0x209693Bc6afc0C5328bA36FaF03C514EF312287C'
const price = args.price ?? '$0.001'
const maxTimeoutSeconds = Number(args['max-timeout'] ?? 60)
// A well-known public test key (Anvil's first account): the facilitator's gas payer on the fake chain.
const facilitatorKey = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'

const chain = createFakeChain({
  chainId: 84532,
  token: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
  name: 'USDC',
  version: '2',
  balance: 1_000_000_000n,
})

const app = express()
app.use(express.json({ limit: '1mb' }))
let port = 0
let routes = null

app.post('/rpc', async (req, res) => res.json(await chain.rpc(req.body)))
app.get('/chain/transfers', (_req, res) => res.json(chain.transfers))

let facilitator = null
function getFacilitator() {
  if (facilitator) return facilitator
  const client = createWalletClient({
    account: privateKeyToAccount(facilitatorKey),
    chain: baseSepolia,
    transport: http(`http://127.0.0.1:${port}/rpc`),
  }).extend(publicActions)
  const signer = toFacilitatorEvmSigner(
    { ...client, address: client.account.address },
    { confirmationTimeoutMs: 10_000 },
  )
  facilitator = registerExactEvmScheme(new x402Facilitator(), { signer, networks: 'eip155:84532' })
  return facilitator
}

app.get('/facilitator/supported', (_req, res) => res.json(getFacilitator().getSupported()))
for (const action of ['verify', 'settle']) {
  app.post(`/facilitator/${action}`, async (req, res) => {
    try {
      res.json(await getFacilitator()[action](req.body.paymentPayload, req.body.paymentRequirements))
    } catch (e) {
      console.error(`[x402] facilitator ${action} failed:`, e)
      res.status(500).json({ error: String(e?.message ?? e) })
    }
  })
}

app.post('/oracle/verify', async (req, res) => {
  const { header, requirements } = req.body
  try {
    const payload = requirements.x402Version === 1 || !('amount' in requirements)
      ? exact.evm.decodePayment(header)
      : decodePaymentSignatureHeader(header)
    const result = await getFacilitator().verify(payload, requirements)
    res.json({ payload, result })
  } catch (e) {
    res.json({ error: String(e?.message ?? e) })
  }
})

// The paid routes are built once the port (and so the facilitator's URL) is known.
app.use((req, res, next) => (routes ? routes(req, res, next) : next()))
app.get(['/v1/weather', '/v2/weather'], (req, res) => res.json({ paid: true, route: req.path }))

const server = nodeHttp.createServer(app)
server.on('listening', () => {
  port = server.address().port
  const facilitatorUrl = `http://127.0.0.1:${port}/facilitator`
  const v1 = paymentMiddlewareV1(
    payTo,
    { 'GET /v1/weather': { price, network: 'base-sepolia', config: { description: 'weather', maxTimeoutSeconds } } },
    { url: facilitatorUrl },
  )
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }))
    .register('eip155:84532', new ExactEvmScheme())
  const v2 = paymentMiddlewareV2(
    {
      'GET /v2/weather': {
        accepts: { scheme: 'exact', price, network: 'eip155:84532', payTo, maxTimeoutSeconds },
        description: 'weather',
      },
    },
    resourceServer,
  )
  routes = (req, res, next) => (req.path.startsWith('/v1/') ? v1(req, res, next) : v2(req, res, next))
})
serve(server, args, 'x402')
