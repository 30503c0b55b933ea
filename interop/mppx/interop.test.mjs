// Wire-level checks of server.mjs using only Node built-ins (no mppx on the client side):
// parse the 402 challenge by hand, build credentials by hand, and pin down what the
// mppx server accepts/rejects. Also runs client-bench.mjs once as a smoke test.
//
// Run: node --test   (from this folder, after `npm ci`)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFile } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import * as path from 'node:path'
import * as readline from 'node:readline'

const here = path.dirname(fileURLToPath(import.meta.url))
const SECRET_KEY = 'mpp-client-interop-test-secret-key-0123456789abcdef' // same default as server.mjs

let server
let base

before(async () => {
  server = spawn(process.execPath, ['server.mjs'], {
    cwd: here,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, MPPX_INTEROP_SECRET_KEY: '', MPPX_INTEROP_REALM: '' },
  })
  const rl = readline.createInterface({ input: server.stdout })
  const [line] = await Promise.race([
    once(rl, 'line'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('server did not start')), 15_000).unref()),
  ])
  const m = /^LISTENING (\d+)$/.exec(line)
  assert.ok(m, `unexpected first line: ${line}`)
  base = `http://127.0.0.1:${m[1]}`
})

after(async () => {
  if (!server) return
  const exited = once(server, 'exit')
  server.stdin.end() // server exits when its stdin pipe closes
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())])
  if (server.exitCode === null) server.kill('SIGTERM')
})

const b64url = (s) => Buffer.from(s, 'utf8').toString('base64url')
const unb64url = (s) => Buffer.from(s, 'base64url').toString('utf8')

function parseChallenge(header) {
  assert.match(header, /^Payment /)
  const params = {}
  const re = /([A-Za-z0-9_-]+)="((?:[^"\\]|\\.)*)"/g
  for (const [, k, v] of header.slice('Payment '.length).matchAll(re)) params[k] = v.replace(/\\(.)/g, '$1')
  return params
}

async function getChallenge(pathname = '/paid', init) {
  const res = await fetch(base + pathname, init)
  assert.equal(res.status, 402)
  await res.arrayBuffer()
  return parseChallenge(res.headers.get('www-authenticate'))
}

function credentialHeader(challenge, payload = { token: 'valid-test-token' }, extra = {}) {
  return `Payment ${b64url(JSON.stringify({ challenge, payload, ...extra }))}`
}

async function pay(authorization, init = {}) {
  const res = await fetch(`${base}/paid`, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization },
  })
  const text = await res.text()
  return { res, text }
}

function computeId(c) {
  const input = [c.realm, c.method, c.intent, c.request, c.expires ?? '', c.digest ?? '', c.opaque ?? ''].join('|')
  return createHmac('sha256', SECRET_KEY).update(input).digest('base64url')
}

async function expectProblem(authorization, type) {
  const { res, text } = await pay(authorization)
  assert.equal(res.status, 402, text)
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  assert.ok(res.headers.get('www-authenticate')?.startsWith('Payment '), 'fresh challenge on rejection')
  const body = JSON.parse(text)
  assert.equal(body.type, `https://paymentauth.org/problems/${type}`, text)
  assert.equal(body.status, 402)
  return body
}

test('GET /free is 200 without payment', async () => {
  const res = await fetch(`${base}/free`)
  assert.equal(res.status, 200)
  assert.equal(await res.text(), 'free')
})

test('GET /paid without credential: 402 challenge shape', async () => {
  const res = await fetch(`${base}/paid`)
  assert.equal(res.status, 402)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  const body = await res.json()
  assert.equal(body.type, 'https://paymentauth.org/problems/payment-required')
  const c = parseChallenge(res.headers.get('www-authenticate'))
  assert.deepEqual(Object.keys(c), ['id', 'realm', 'method', 'intent', 'request', 'expires'])
  assert.equal(c.realm, 'mppx-interop')
  assert.equal(c.method, 'test')
  assert.equal(c.intent, 'charge')
  assert.equal(body.challengeId, c.id)
  assert.equal(unb64url(c.request), '{"amount":"1000","currency":"usd","recipient":"acct_test"}')
  assert.doesNotMatch(c.request, /=/, 'unpadded base64url')
  const ttl = new Date(c.expires).getTime() - Date.now()
  assert.ok(ttl > 4 * 60_000 && ttl <= 5 * 60_000, `expires ~5 min ahead, got ${ttl} ms`)
  assert.equal(c.id, computeId(c), 'id = HMAC-SHA256(secret, realm|method|intent|request|expires|digest|opaque)')
})

test('hand-built credential echoing the challenge params is accepted', async () => {
  const c = await getChallenge()
  const { res, text } = await pay(credentialHeader(c))
  assert.equal(res.status, 200, text)
  assert.deepEqual(JSON.parse(text), { paid: true })
  assert.equal(res.headers.get('cache-control'), 'private')
  const receipt = JSON.parse(unb64url(res.headers.get('payment-receipt')))
  assert.deepEqual(Object.keys(receipt), ['method', 'reference', 'status', 'timestamp'])
  assert.equal(receipt.method, 'test')
  assert.equal(receipt.status, 'success')
  assert.match(receipt.reference, /^test_/)
  assert.ok(!Number.isNaN(Date.parse(receipt.timestamp)))
})

test('scheme name is case-insensitive; other schemes in the same header are skipped', async () => {
  const c = await getChallenge()
  const cred = credentialHeader(c).slice('Payment '.length)
  assert.equal((await pay(`payment ${cred}`)).res.status, 200)
  assert.equal((await pay(`Bearer abc, Payment ${cred}`)).res.status, 200)
})

test('padded / standard base64 credential is also accepted', async () => {
  const c = await getChallenge()
  const json = JSON.stringify({ challenge: c, payload: { token: 'valid-test-token' } })
  const std = Buffer.from(json).toString('base64') // may contain + / =
  assert.equal((await pay(`Payment ${std}`)).res.status, 200)
})

test('optional top-level "source" and extra challenge fields are tolerated', async () => {
  const c = await getChallenge()
  const { res } = await pay(credentialHeader({ ...c, extra: 'x' }, { token: 'valid-test-token' }, { source: 'did:example:payer' }))
  assert.equal(res.status, 200)
})

test('challenge.request must be the base64url string, not the decoded object', async () => {
  const c = await getChallenge()
  const body = await expectProblem(
    credentialHeader({ ...c, request: JSON.parse(unb64url(c.request)) }),
    'malformed-credential',
  )
  assert.match(body.detail, /Invalid base64url or JSON/)
})

test('request is HMAC-checked after re-canonicalisation (key order/whitespace do not matter)', async () => {
  const c = await getChallenge()
  const reordered = b64url('{ "recipient": "acct_test", "currency": "usd", "amount": "1000" }')
  assert.equal((await pay(credentialHeader({ ...c, request: reordered }))).res.status, 200)
})

test('invalid token -> 402 verification-failed', async () => {
  const c = await getChallenge()
  const body = await expectProblem(credentialHeader(c, { token: 'nope' }), 'verification-failed')
  assert.equal(body.detail, 'Payment verification failed: invalid test token.')
  assert.equal(body.title, 'Verification Failed')
})

test('payload not matching the method schema -> 402 invalid-payload', async () => {
  const c = await getChallenge()
  await expectProblem(credentialHeader(c, { token: 42 }), 'invalid-payload')
  await expectProblem(credentialHeader(c, {}), 'invalid-payload')
})

test('tampered challenge fields -> 402 invalid-challenge', async () => {
  const c = await getChallenge()
  const tampered = b64url('{"amount":"1","currency":"usd","recipient":"acct_test"}')
  await expectProblem(credentialHeader({ ...c, request: tampered }), 'invalid-challenge')
  await expectProblem(credentialHeader({ ...c, realm: 'other' }), 'invalid-challenge')
  await expectProblem(credentialHeader({ ...c, id: (c.id[0] === 'A' ? 'B' : 'A') + c.id.slice(1) }), 'invalid-challenge')
  const { expires: _e, ...noExpires } = c
  await expectProblem(credentialHeader(noExpires), 'invalid-challenge')
})

test('expired challenge (valid HMAC) -> 402 payment-expired', async () => {
  const c = await getChallenge()
  const expired = { ...c, expires: new Date(Date.now() - 1000).toISOString() }
  expired.id = computeId(expired)
  await expectProblem(credentialHeader(expired), 'payment-expired')
})

test('malformed credential -> 402 malformed-credential', async () => {
  await expectProblem('Payment !!!notbase64', 'malformed-credential')
  await expectProblem(`Payment ${b64url('{"payload":{}}')}`, 'malformed-credential')
})

test('no replay protection: the same credential is accepted twice (stateless server)', async () => {
  const c = await getChallenge()
  const cred = credentialHeader(c)
  assert.equal((await pay(cred)).res.status, 200)
  assert.equal((await pay(cred)).res.status, 200)
})

test('POST /paid: challenge not bound to method/body; body readable after payment', async () => {
  const c = await getChallenge() // issued for GET
  const { res, text } = await pay(credentialHeader(c), { method: 'POST', body: 'hello world' })
  assert.equal(res.status, 200, text)
  assert.deepEqual(JSON.parse(text), { paid: true, bodyLength: 11 })
  const c2 = await getChallenge('/paid', { method: 'POST', body: 'x' })
  assert.equal(c2.digest, undefined, 'no body digest in challenge')
})

test('client-bench.mjs (mppx client) pays the server', async () => {
  const out = await new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['client-bench.mjs', '--url', base, '--n', '20', '--concurrency', '4', '--warmup', '2'],
      { cwd: here, timeout: 60_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    ),
  )
  const r = JSON.parse(out.trim())
  assert.equal(r.client, 'mppx')
  assert.equal(r.n, 20)
  assert.equal(r.concurrency, 4)
  for (const k of ['paid_rps', 'paid_ms_total', 'free_mppx_rps', 'free_bare_rps']) assert.ok(r[k] > 0, k)
})
