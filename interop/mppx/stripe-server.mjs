// mppx server using mppx's OWN `stripe` charge method (no custom verify). Its Stripe client is the official Stripe Node
// SDK (npm stripe, pinned) pointed at an arbitrary API base (e.g. the .NET tests' FakeStripe on loopback) through the
// SDK's own host/port/protocol settings. mppx's `secretKey` option cannot be pointed anywhere: it posts to the
// hard-coded https://api.stripe.com/v1/payment_intents, so the `client` option is used, as mppx recommends.
//
// Usage: node stripe-server.mjs --api-base http://127.0.0.1:<port> --secret-key sk_test_... --network-id profile_...
//        [--port 0] [--realm mppx-stripe-interop] [--exit-on-stdin-close]
//
// Prints exactly one line to stdout, `LISTENING <port>`, once bound; diagnostics go to stderr.
// Routes:
//   GET /paid      -> stripe/charge 25.00 usd (2500 cents), paymentMethodTypes ["card"]
//   GET /order     -> the same with externalId "order_123" bound into the request
//   GET /yen       -> stripe/charge 500 jpy (zero-decimal)
import Stripe from 'stripe'
import { parseArgs, serveRoutes } from './harness.mjs'
import { Mppx, stripe } from 'mppx/server'

const args = parseArgs(process.argv.slice(2))
const API_BASE = args['api-base'] || process.env.MPPX_STRIPE_API_BASE
const SECRET_KEY = args['secret-key'] || process.env.MPPX_STRIPE_SECRET_KEY
const NETWORK_ID = args['network-id'] || process.env.MPPX_STRIPE_NETWORK_ID
const REALM = args.realm || 'mppx-stripe-interop'
if (!API_BASE || !SECRET_KEY || !NETWORK_ID) {
  console.error('--api-base, --secret-key and --network-id are required')
  process.exit(2)
}

const base = new URL(API_BASE)
const client = new Stripe(SECRET_KEY, {
  host: base.hostname,
  port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
  protocol: base.protocol.replace(':', ''),
  maxNetworkRetries: 0,
  telemetry: false,
})

const charge = (currency, decimals) =>
  stripe.charge({ client, networkId: NETWORK_ID, paymentMethodTypes: ['card'], currency, decimals })

const mppx = Mppx.create({
  methods: [charge('usd', 2)],
  realm: REALM,
  secretKey: 'mpp-client-stripe-interop-secret-key-0123456789abcdef',
})
const yen = Mppx.create({
  methods: [charge('jpy', 0)],
  realm: REALM,
  secretKey: 'mpp-client-stripe-interop-secret-key-0123456789abcdef',
})

const routes = {
  '/paid': mppx.charge({ amount: '25' }),
  '/order': mppx.charge({ amount: '25', externalId: 'order_123' }),
  '/yen': yen.charge({ amount: '500' }),
}

serveRoutes(routes, args, 'stripe-server')
