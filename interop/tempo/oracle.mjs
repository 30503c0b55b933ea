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
// Tempo sessions (TIP-1034 v2 and the legacy v1 escrow):
//   { "op": "vouchers", "items": [{ "protocol": 1|2, "escrow", "chainId", "channelId", "cumulativeAmount",
//       "signature"?, "privateKey"? }, …] }  per item: viem hashTypedData, ox Channel.getVoucherSignPayload (v2),
//                                             viem signTypedData with the key, verifyTypedData / recover of "signature"
//   { "op": "channelIds", "items": [{ "protocol": 1|2, "descriptor": {…}, "escrow", "chainId" }, …] }
//                                             v2: ox Channel.computeId (precompile only) and abi.encode+keccak; v1 likewise
//   { "op": "escrowCalls", "items": [{ "protocol": 1|2, "functionName", "args": […] } | { "protocol", "data": "0x…" }, …] }
//                                             viem encodeFunctionData / decodeFunctionData with the escrow ABIs
//   { "op": "mppxCheck", "protocol": 1|2, "payload": {…}, "chainId", "escrow", "currency", "recipient", "feePayer"?,
//       "signer"? }                          mppx 0.11.0's own checks: the credential payload schema, the channel id from the
//                                             descriptor, validateOpen/TopUpCredentialTransaction and verifyVoucher
//   { "op": "mppxAbi" }                        selectors and event topics of mppx 0.11.0's own TIP-1034 escrow ABI
//   { "op": "sessionTx", "hex": "0x76…|0x78…", "sender": "0x…", "feePayer": bool }  ox: decoded envelope, the sender
//                                             the signature recovers to, expiringNonceHash = keccak(encodeForSigning ‖ sender)
import { Hash, Hex, Secp256k1, Signature } from 'ox'
import { Channel, TxEnvelopeTempo } from 'ox/tempo'
import {
  decodeFunctionData,
  encodeAbiParameters,
  encodeFunctionData,
  hashTypedData,
  keccak256,
  toEventSelector,
  toFunctionSelector,
  parseAbi,
  parseAbiParameters,
  recoverTypedDataAddress,
  verifyTypedData,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { Methods as MppxMethods, Session as MppxSession, SessionLegacy as MppxSessionLegacy } from 'mppx/tempo'
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

// The escrow interfaces, as human-readable ABI (TIP-1034 precompile; legacy TempoStreamChannel), from mppx 0.11.0's
// escrow.abi.js files.
const descriptorTuple = '(address payer, address payee, address operator, address token, bytes32 salt, address authorizedSigner, bytes32 expiringNonceHash)'
const escrowAbiV2 = parseAbi([
  'function open(address payee, address operator, address token, uint96 deposit, bytes32 salt, address authorizedSigner) returns (bytes32)',
  `function topUp(${descriptorTuple} descriptor, uint96 additionalDeposit)`,
  `function settle(${descriptorTuple} descriptor, uint96 cumulativeAmount, bytes signature)`,
  `function close(${descriptorTuple} descriptor, uint96 cumulativeAmount, uint96 captureAmount, bytes signature)`,
  `function requestClose(${descriptorTuple} descriptor)`,
  `function withdraw(${descriptorTuple} descriptor)`,
  `function getChannel(${descriptorTuple} descriptor) view returns ((${descriptorTuple.slice(1, -1)}) descriptor, (uint96 settled, uint96 deposit, uint32 closeRequestedAt) state)`,
  'function getChannelState(bytes32 channelId) view returns ((uint96 settled, uint96 deposit, uint32 closeRequestedAt))',
  'event ChannelOpened(bytes32 indexed channelId, address indexed payer, address indexed payee, address operator, address token, address authorizedSigner, bytes32 salt, bytes32 expiringNonceHash, uint96 deposit)',
])
const escrowAbiV1 = parseAbi([
  'function open(address payee, address token, uint128 deposit, bytes32 salt, address authorizedSigner) returns (bytes32)',
  'function topUp(bytes32 channelId, uint256 additionalDeposit)',
  'function close(bytes32 channelId, uint128 cumulativeAmount, bytes signature)',
  'function approve(address spender, uint256 amount) returns (bool)',
])

function voucherTypedData(item) {
  return {
    domain: {
      name: item.protocol === 1 ? 'Tempo Stream Channel' : 'TIP20 Channel Reserve',
      version: '1',
      chainId: Number(item.chainId),
      verifyingContract: item.escrow,
    },
    types: {
      Voucher: [
        { name: 'channelId', type: 'bytes32' },
        { name: 'cumulativeAmount', type: item.protocol === 1 ? 'uint128' : 'uint96' },
      ],
    },
    primaryType: 'Voucher',
    message: { channelId: item.channelId, cumulativeAmount: BigInt(item.cumulativeAmount) },
  }
}

function toArg(value) {
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return BigInt(value)
  if (Array.isArray(value)) return value.map(toArg)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toArg(v)]))
  return value
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
    case 'vouchers':
      return Promise.all(request.items.map(async (item) => {
        const typedData = voucherTypedData(item)
        const answer = { hash: hashTypedData(typedData) }
        if (item.protocol === 2 && item.escrow.toLowerCase() === Channel.address)
          answer.oxPayload = Channel.getVoucherSignPayload({ chainId: Number(item.chainId), channelId: item.channelId, cumulativeAmount: BigInt(item.cumulativeAmount) })
        if (item.privateKey) answer.viemSignature = await privateKeyToAccount(item.privateKey).signTypedData(typedData)
        if (item.signature) {
          answer.recovered = await recoverTypedDataAddress({ ...typedData, signature: item.signature })
          answer.verified = item.expectedSigner
            ? await verifyTypedData({ ...typedData, address: item.expectedSigner, signature: item.signature })
            : null
        }
        return answer
      }))
    case 'channelIds':
      return request.items.map((item) => {
        const d = item.descriptor
        if (item.protocol === 1)
          return {
            id: keccak256(encodeAbiParameters(
              parseAbiParameters('address, address, address, bytes32, address, address, uint256'),
              [d.payer, d.payee, d.token, d.salt, d.authorizedSigner, item.escrow, BigInt(item.chainId)])),
          }
        return {
          id: keccak256(encodeAbiParameters(
            parseAbiParameters('address, address, address, address, bytes32, address, bytes32, address, uint256'),
            [d.payer, d.payee, d.operator, d.token, d.salt, d.authorizedSigner, d.expiringNonceHash, item.escrow, BigInt(item.chainId)])),
          oxId: item.escrow.toLowerCase() === Channel.address ? Channel.computeId(d, { chainId: Number(item.chainId) }) : null,
        }
      })
    case 'escrowCalls':
      return request.items.map((item) => {
        const abi = item.protocol === 1 ? escrowAbiV1 : escrowAbiV2
        if (item.data) {
          const decoded = decodeFunctionData({ abi, data: item.data })
          return { functionName: decoded.functionName, args: plain(decoded.args) }
        }
        return { data: encodeFunctionData({ abi, functionName: item.functionName, args: toArg(item.args) }) }
      })
    case 'mppxCheck': {
      const { payload } = request
      const schema = MppxMethods.session.schema.credential.payload.safeParse(payload)
      const answer = { schemaOk: schema.success, schemaError: schema.success ? null : String(schema.error) }
      const chainId = Number(request.chainId)
      const voucherCheck = (signer) => payload.signature === undefined
        ? null
        : request.protocol === 1
          ? MppxSessionLegacy.Session.Voucher.verifyVoucher(request.escrow, chainId, {
              channelId: payload.channelId, cumulativeAmount: BigInt(payload.cumulativeAmount), signature: payload.signature,
            }, signer)
          : MppxSession.Precompile.Voucher.verifyVoucher(request.escrow, chainId, {
              channelId: payload.channelId, cumulativeAmount: BigInt(payload.cumulativeAmount), signature: payload.signature,
            }, signer)
      if (request.protocol === 2) {
        const d = payload.descriptor
        answer.channelId = MppxSession.Precompile.Channel.computeId({ ...d, chainId, escrow: request.escrow })
        answer.voucherValid = await voucherCheck(request.signer ?? MppxSession.Precompile.Channel.resolveAuthorizedSigner(d))
        const common = {
          chainId,
          escrowContract: request.escrow,
          expectedChannelId: payload.channelId,
          expectedCurrency: request.currency,
          feePayer: request.feePayer ?? false,
          serializedTransaction: payload.transaction,
          challengeExpires: undefined,
        }
        try {
          if (payload.action === 'open') {
            const result = MppxSession.Precompile.Chain.validateOpenCredentialTransaction({
              ...common,
              expectedAuthorizedSigner: d.authorizedSigner,
              expectedExpiringNonceHash: d.expiringNonceHash,
              expectedOperator: d.operator,
              expectedPayee: request.recipient,
              expectedPayer: d.payer,
            })
            answer.transaction = { ok: true, expiringNonceHash: result.expiringNonceHash, openDeposit: result.openDeposit.toString() }
          } else if (payload.action === 'topUp') {
            MppxSession.Precompile.Chain.validateTopUpCredentialTransaction({
              ...common,
              descriptor: d,
              additionalDeposit: BigInt(payload.additionalDeposit),
            })
            answer.transaction = { ok: true }
          }
        } catch (error) {
          answer.transaction = { ok: false, error: String(error?.message ?? error) }
        }
      } else {
        answer.voucherValid = await voucherCheck(request.signer)
      }
      return answer
    }
    case 'mppxAbi': {
      const abi = MppxSession.Precompile.escrowAbi
      return {
        functions: Object.fromEntries(abi.filter((i) => i.type === 'function').map((i) => [i.name, toFunctionSelector(i)])),
        events: Object.fromEntries(abi.filter((i) => i.type === 'event').map((i) => [i.name, toEventSelector(i)])),
      }
    }
    case 'sessionTx': {
      const envelope = TxEnvelopeTempo.deserialize(request.hex)
      const { signature, feePayerSignature, ...fields } = envelope
      const unsigned = TxEnvelopeTempo.from({ ...fields, ...(request.feePayer ? { feePayerSignature: null } : {}) })
      const sender = Secp256k1.recoverAddress({ payload: TxEnvelopeTempo.getSignPayload(unsigned), signature: signature.signature ?? signature })
      return {
        envelope: plain(envelope),
        sender,
        expiringNonceHash: Hash.keccak256(Hex.concat(TxEnvelopeTempo.encodeForSigning(unsigned), request.sender)),
        calls: envelope.calls.map((c) => {
          try {
            const decoded = decodeFunctionData({ abi: escrowAbiV2, data: c.data })
            return { to: c.to, functionName: decoded.functionName, args: plain(decoded.args) }
          } catch {
            return { to: c.to, data: c.data }
          }
        }),
      }
    }
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
