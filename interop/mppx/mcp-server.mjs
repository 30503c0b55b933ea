// Live mppx MCP server (mppx 0.11.0 with @modelcontextprotocol/sdk 1.32.2) for the Mpp.Client.Mcp interop tests and
// benchmark, on mppx's documented pattern: `Transport.mcpSdk()`, `payment.charge(price)(extra)`, throw the challenge
// (-32042) or return `withReceipt(result)`.
//
// Usage: node mcp-server.mjs --transport stdio
//        node mcp-server.mjs --transport http [--port 0]   (prints `LISTENING <port>`; endpoint POST /mcp, stateless)
//
// Tools:
//   echo     free: {text: "echo ok"}
//   search   paid: test/charge 25 usd base units (0.25 usd) to acct_test
//   premium  paid: test/charge 5000 usd base units (50 usd)
//   stats    free: {"credentials": <payment credentials received in _meta>, "paid": <paid calls>}
import * as http from 'node:http'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { Mppx, Transport } from 'mppx/server'
import { parseArgs, serve } from './harness.mjs'
import { testChargeServer } from './test-method.mjs'

const args = parseArgs(process.argv.slice(2))
const SECRET_KEY = process.env.MPPX_INTEROP_SECRET_KEY || 'mpp-client-interop-test-secret-key-0123456789abcdef'
const REALM = args.realm || 'mppx-mcp-interop'

const payment = Mppx.create({
  methods: [testChargeServer],
  realm: REALM,
  secretKey: SECRET_KEY,
  transport: Transport.mcpSdk(),
})

const stats = { credentials: 0, paid: 0 }
const CREDENTIAL_KEY = 'org.paymentauth/credential'

function paidTool(amount, text) {
  return async (extra) => {
    if (extra?._meta?.[CREDENTIAL_KEY]) stats.credentials += 1
    const result = await payment.charge({ amount, currency: 'usd', recipient: 'acct_test' })(extra)
    if (result.status === 402) throw result.challenge
    stats.paid += 1
    return result.withReceipt({ content: [{ type: 'text', text }] })
  }
}

function createServer() {
  const server = new McpServer({ name: 'mppx-mcp-interop', version: '1.0.0' })
  server.registerTool('echo', { description: 'free' }, async () => ({ content: [{ type: 'text', text: 'echo ok' }] }))
  server.registerTool('search', { description: 'paid 0.25 usd' }, paidTool('25', 'results'))
  server.registerTool('premium', { description: 'paid 50 usd' }, paidTool('5000', 'premium results'))
  server.registerTool('stats', { description: 'counters' }, async () => ({
    content: [{ type: 'text', text: JSON.stringify(stats) }],
  }))
  return server
}

if (args.transport === 'http') {
  const httpServer = http.createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.startsWith('/mcp')) {
      res.writeHead(405).end()
      return
    }
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      res.writeHead(400).end()
      return
    }
    // Stateless: one server and transport per request, as the SDK's stateless example does.
    const server = createServer()
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined })
    res.on('close', () => {
      transport.close()
      server.close()
    })
    try {
      await server.connect(transport)
      await transport.handleRequest(req, res, body)
    } catch (error) {
      console.error('[mcp-server] request failed:', error)
      if (!res.headersSent) res.writeHead(500).end()
    }
  })
  serve(httpServer, args, 'mcp-server')
} else {
  const server = createServer()
  await server.connect(new StdioServerTransport())
  console.error('[mcp-server] serving on stdio')
}
