// Oracle for Mpp.Client.Tempo's tests: reads one JSON request on stdin, writes one JSON answer on stdout.
// Integers travel as decimal strings, bytes as 0x-hex. Requests:
//   { "op": "deserialize", "hex": "0x76…" }                        ox TxEnvelopeTempo.deserialize + sign payload + hash
//   { "op": "serialize", "tx": {…}, "signature"?: {r,s,yParity}, "format"?: "feePayer", "sender"?: "0x…" }
//                                                                   ox TxEnvelopeTempo.serialize of an envelope ox builds
//   { "op": "viemSerialize", "tx": {…}, "privateKey": "0x…" }       viem's tempo serializer signing with a local account
//   { "op": "recoverProof", "version": 3, "chainId": n, "challengeId": s, "realm": s, "account"?: "0x…", "signature": "0x…" }
//   { "op": "signers", "hex": "0x76…" }                           ox: the sender and, when co-signed, the fee payer a
//                                                                   sponsored envelope's two signatures recover to
//   { "op": "keccak", "hex": "0x…" }
//   { "op": "signMany", "items": [{ "privateKey": "0x…", "hash": "0x…" }, …] }  ox Secp256k1.sign per item:
//                                                                   65-byte r ‖ s ‖ v (v = 27/28) and the key's address
import { Hash, Hex, Secp256k1, Signature } from 'ox'
import { TxEnvelopeTempo } from 'ox/tempo'
import { hashTypedData, recoverTypedDataAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { Transaction as ViemTempoTransaction } from 'viem/tempo'

const text = await new Promise((resolve, reject) => {
  let data = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk) => (data += chunk))
  process.stdin.on('end', () => resolve(data))
  process.stdin.on('error', reject)
})

const big = (v) => (v === undefined || v === null ? undefined : BigInt(v))
const num = (v) => (v === undefined || v === null ? undefined : Number(v))

function toOx(tx) {
  return {
    chainId: Number(tx.chainId),
    maxPriorityFeePerGas: big(tx.maxPriorityFeePerGas),
    maxFeePerGas: big(tx.maxFeePerGas),
    gas: big(tx.gas),
    calls: tx.calls.map((c) => ({ to: c.to ?? undefined, value: big(c.value), data: c.data })),
    accessList: (tx.accessList ?? []).map((a) => ({ address: a.address, storageKeys: a.storageKeys })),
    nonceKey: big(tx.nonceKey),
    nonce: big(tx.nonce),
    validBefore: num(tx.validBefore),
    validAfter: num(tx.validAfter),
    ...(tx.feeToken ? { feeToken: tx.feeToken } : {}),
    ...(tx.feePayer ? { feePayerSignature: null } : {}),
    type: 'tempo',
  }
}

function plain(value) {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))
}

async function handle(request) {
  switch (request.op) {
    case 'deserialize': {
      const envelope = TxEnvelopeTempo.deserialize(request.hex)
      const { signature, ...unsigned } = envelope
      return {
        envelope: plain(envelope),
        from: envelope.from ?? null,
        signPayload: TxEnvelopeTempo.getSignPayload(TxEnvelopeTempo.from(unsigned)),
        hash: Hash.keccak256(request.hex),
      }
    }
    case 'serialize': {
      const envelope = TxEnvelopeTempo.from(toOx(request.tx))
      const signature = request.signature
        ? { r: BigInt(request.signature.r), s: BigInt(request.signature.s), yParity: Number(request.signature.yParity) }
        : undefined
      const options = request.format === 'feePayer'
        ? { format: 'feePayer', sender: request.sender, signature }
        : { signature }
      return {
        hex: TxEnvelopeTempo.serialize(envelope, options),
        encodeForSigning: TxEnvelopeTempo.encodeForSigning(envelope),
        signPayload: TxEnvelopeTempo.getSignPayload(envelope),
      }
    }
    case 'viemSerialize': {
      const account = privateKeyToAccount(request.privateKey)
      const tx = toOx(request.tx)
      const viemTx = {
        ...tx,
        chainId: tx.chainId,
        feePayer: request.tx.feePayer ? true : undefined,
        feePayerSignature: undefined,
        type: 'tempo',
      }
      const serializer = (t, s) => ViemTempoTransaction.serialize(t, s)
      const hex = await account.signTransaction(viemTx, { serializer })
      return { hex, address: account.address }
    }
    case 'recoverProof': {
      const typedData = request.version === 2
        ? {
            domain: { name: 'MPP', version: '2', chainId: request.chainId },
            types: { Proof: [{ name: 'challengeId', type: 'string' }, { name: 'realm', type: 'string' }] },
            primaryType: 'Proof',
            message: { challengeId: request.challengeId, realm: request.realm },
          }
        : {
            domain: { name: 'MPP', version: '3', chainId: request.chainId },
            types: {
              Proof: [
                { name: 'account', type: 'address' },
                { name: 'challengeId', type: 'string' },
                { name: 'realm', type: 'string' },
              ],
            },
            primaryType: 'Proof',
            message: { account: request.account, challengeId: request.challengeId, realm: request.realm },
          }
      return {
        hash: hashTypedData(typedData),
        address: await recoverTypedDataAddress({ ...typedData, signature: request.signature }),
      }
    }
    case 'signers': {
      const envelope = TxEnvelopeTempo.deserialize(request.hex)
      const { signature, feePayerSignature, ...fields } = envelope
      const sender = Secp256k1.recoverAddress({
        payload: TxEnvelopeTempo.getSignPayload(TxEnvelopeTempo.from({ ...fields, feePayerSignature })),
        signature: signature.signature ?? signature,
      })
      const feePayer = feePayerSignature
        ? Secp256k1.recoverAddress({
            payload: TxEnvelopeTempo.getFeePayerSignPayload(TxEnvelopeTempo.from({ ...fields, feePayerSignature }), { sender }),
            signature: feePayerSignature,
          })
        : null
      return { sender, from: envelope.from ?? null, feePayer, feeToken: envelope.feeToken ?? null, envelope: plain(envelope) }
    }
    case 'keccak':
      return { hash: Hash.keccak256(request.hex) }
    case 'signMany':
      return request.items.map(({ privateKey, hash }) => ({
        signature: Signature.toHex(Secp256k1.sign({ payload: hash, privateKey })),
        address: privateKeyToAccount(privateKey).address,
      }))
    default:
      throw new Error(`unknown op ${request.op}`)
  }
}

try {
  const result = await handle(JSON.parse(text))
  process.stdout.write(JSON.stringify({ ok: true, result }) + '\n')
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, error: String(error?.message ?? error) }) + '\n')
  process.exitCode = 1
}
// Hex stays imported for ad-hoc debugging of the oracle itself.
void Hex
