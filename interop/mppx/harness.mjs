// The process protocol the .NET test fixtures speak with the Node servers in this folder (../harness-core.mjs), and
// helpers that serve through mppx's Node listener.
import * as http from 'node:http'
import { Request as MppxRequest } from 'mppx/server'
import { parseArgs, serve } from '../harness-core.mjs'

export { parseArgs, serve }

// Serves a fetch-style handler through mppx's Node listener (errors logged, answered 500), with `serve`.
export function serveHandler(handle, args, name) {
  const server = http.createServer(
    MppxRequest.toNodeListener(handle, {
      onError(error) {
        console.error(`[${name}] handler error:`, error)
        return new Response('Internal Server Error', { status: 500 })
      },
    }),
  )
  serve(server, args, name)
}

// Serves GET routes that are mppx payment handlers: 402 with the challenge, or 200 `{paid, route}` with the receipt.
export function serveRoutes(routes, args, name) {
  serveHandler(async (request) => {
    const url = new URL(request.url)
    const route = routes[url.pathname]
    if (!route || request.method !== 'GET')
      return new Response('not found', { status: 404, headers: { 'Content-Type': 'text/plain' } })
    const result = await route(request)
    if (result.status === 402) return result.challenge
    return result.withReceipt(Response.json({ paid: true, route: url.pathname }))
  }, args, name)
}
