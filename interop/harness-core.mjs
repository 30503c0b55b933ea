// The process protocol the .NET test fixtures speak with every Node server under interop/ (Node built-ins only, so each
// interop folder imports it without sharing node_modules): `--key value` / `--key=value` arguments, `LISTENING <port>`
// on stdout once ready, and exit when the parent closes stdin (or on SIGTERM/SIGINT).
import * as fs from 'node:fs'

export function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) continue
    const eq = a.indexOf('=')
    if (eq > 0) {
      out[a.slice(2, eq)] = a.slice(eq + 1)
      continue
    }
    const key = a.slice(2)
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('--')) out[key] = true
    else {
      out[key] = next
      i++
    }
  }
  return out
}

// Listens on 127.0.0.1 (`--port`, default any), announces the port, and stops with its parent.
export function serve(server, args, name) {
  server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`)
  })

  let stopping = false
  function stop(reason) {
    if (stopping) return
    stopping = true
    console.error(`[${name}] stopping (${reason})`)
    server.close(() => process.exit(0))
    server.closeAllConnections?.()
    setTimeout(() => process.exit(0), 2000).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))

  // Exit when stdin closes if stdin is a pipe/socket (i.e. a parent process such as a .NET test harness holds its write
  // end), so the server never outlives its parent. With stdin on /dev/null or a TTY this is off unless forced with
  // --exit-on-stdin-close.
  if (!args['no-stdin-watch'] && (args['exit-on-stdin-close'] || stdinIsPipe())) {
    process.stdin.on('end', () => stop('stdin closed'))
    process.stdin.on('error', () => stop('stdin error'))
    process.stdin.resume()
  }
}

function stdinIsPipe() {
  try {
    const st = fs.fstatSync(0)
    return st.isFIFO() || st.isSocket()
  } catch {
    return false
  }
}
