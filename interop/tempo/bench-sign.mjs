// Tempo credential creation in Node with the pinned ox and viem (interop/tempo/package-lock.json): the same work
// benchmarks/Mpp.Client.Benchmarks/TempoCredentialBenchmarks.cs measures in .NET, on the same key and inputs.
//   node bench-sign.mjs [iterations per measurement, default 2000]
// Each case runs a warm-up of the same length, then N timed iterations (process.hrtime.bigint); prints one JSON line
// per case (ops/s, µs/op) and checks first that ox and viem produce the very bytes Mpp.Client produces for them.
import { AbiFunction, Bytes, Hash, Hex, Secp256k1, Signature, TypedData } from 'ox'
import { TxEnvelopeTempo } from 'ox/tempo'
import { privateKeyToAccount } from 'viem/accounts'
import { Transaction as ViemTempoTransaction } from 'viem/tempo'

const n = Number(process.argv[2] ?? 2000)

// Inputs: TempoCredentialBenchmarks (a fixed test key, never a real account).
const privateKey = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318'
const token = '0x20c0000000000000000000000000000000000000'
const recipient = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const chainId = 42431
const challengeId = 'kM9xPqWvT2nJrHsY4aDfEgUiOl8'
const realm = 'api.example.com'
const validBefore = 1_790_000_025
const digest = '0x4a5c5d454721bbbb25540c3317521e71c373ae36458f960d2ad46ef088110e95'
const account = privateKeyToAccount(privateKey)
const transferWithMemo = AbiFunction.from('function transferWithMemo(address to, uint256 amount, bytes32 memo)')

// The attribution memo as mppx 0.11.0 writes it (dist/tempo/Attribution.js): keccak("mpp")[0..4] ‖ 0x01 ‖
// keccak(realm)[0..10] ‖ ten zero bytes (no client id) ‖ keccak(challengeId)[0..7].
function memo() {
  const k = (s) => Hash.keccak256(Bytes.fromString(s))
  return Hex.fromBytes(Bytes.concat(k('mpp').slice(0, 4), Uint8Array.of(1), k(realm).slice(0, 10), new Uint8Array(10), k(challengeId).slice(0, 7)))
}

function envelope() {
  return TxEnvelopeTempo.from({
    chainId,
    maxPriorityFeePerGas: 1_000_000_000n,
    maxFeePerGas: 41_000_000_000n,
    gas: 63_311n,
    calls: [{ to: token, value: 0n, data: AbiFunction.encodeData(transferWithMemo, [recipient, 10_000n, memo()]) }],
    nonceKey: 2n ** 256n - 1n,
    nonce: 0n,
    validBefore,
    feeToken: token,
    type: 'tempo',
  })
}

// ox: build, sign payload, sign, serialize, hash of the envelope (the wallet reference), hex on the wire.
function pullOx() {
  const tx = envelope()
  const signature = Secp256k1.sign({ payload: TxEnvelopeTempo.getSignPayload(tx), privateKey })
  const hex = TxEnvelopeTempo.serialize(tx, { signature })
  Hash.keccak256(hex)
  return hex
}

// viem: a local account signing with viem's Tempo serializer (what mppx's client does).
async function pullViem() {
  const tx = { ...envelope(), type: 'tempo' }
  const hex = await account.signTransaction(tx, { serializer: (t, s) => ViemTempoTransaction.serialize(t, s) })
  Hash.keccak256(hex)
  return hex
}

const proofTypedData = () => ({
  domain: { name: 'MPP', version: '3', chainId },
  types: {
    Proof: [
      { name: 'account', type: 'address' },
      { name: 'challengeId', type: 'string' },
      { name: 'realm', type: 'string' },
    ],
  },
  primaryType: 'Proof',
  message: { account: account.address, challengeId, realm },
})

function proofOx() {
  return Signature.toHex(Secp256k1.sign({ payload: TypedData.getSignPayload(proofTypedData()), privateKey }))
}

const proofViem = () => account.signTypedData(proofTypedData())

const bareSign = () => Secp256k1.sign({ payload: digest, privateKey })

async function measure(name, fn) {
  for (let i = 0; i < n; i++) await fn()
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn()
  const ns = Number(process.hrtime.bigint() - start)
  const usPerOp = ns / n / 1000
  return { case: name, iterations: n, usPerOp: Number(usPerOp.toFixed(2)), opsPerSec: Math.round(1e6 / usPerOp) }
}

// The bytes Mpp.Client produces for the same inputs (TempoCredentialBenchmarks; checked by its GlobalSetup too).
const check = {
  pull: pullOx(),
  pullViem: await pullViem(),
  proof: proofOx(),
  proofViem: await proofViem(),
}
if (check.pull !== check.pullViem || check.proof !== check.proofViem) {
  throw new Error('ox and viem disagree: ' + JSON.stringify(check))
}
console.log(JSON.stringify({ node: process.version, address: account.address, pull: check.pull, proof: check.proof }))
for (const [name, fn] of [
  ['bareSign (ox Secp256k1.sign)', bareSign],
  ['pull (ox)', pullOx],
  ['pull (viem signTransaction)', pullViem],
  ['proof (ox TypedData + Secp256k1.sign)', proofOx],
  ['proof (viem signTypedData)', proofViem],
]) {
  console.log(JSON.stringify(await measure(name, fn)))
}
