// A fake EVM JSON-RPC (one chain, one EIP-3009 token) for the official x402 facilitator. It answers only what the
// facilitator asks, and checks what it is sent as the token contract would: a transferWithAuthorization call (simulated
// with eth_call, or sent as a signed transaction) must carry an EIP-712 signature by `from` over the token's domain, be
// inside its validity window, use a fresh nonce and move no more than the balance. Anything else is refused, and every
// accepted transfer is recorded for the tests.
import {
  decodeFunctionData,
  encodeAbiParameters,
  getAddress,
  isAddressEqual,
  keccak256,
  pad,
  parseTransaction,
  recoverTypedDataAddress,
  serializeSignature,
  toHex,
} from 'viem'

export const transferWithAuthorizationAbi = [
  {
    type: 'function',
    name: 'transferWithAuthorization',
    stateMutability: 'nonpayable',
    inputs: [
      { name: 'from', type: 'address' },
      { name: 'to', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'validAfter', type: 'uint256' },
      { name: 'validBefore', type: 'uint256' },
      { name: 'nonce', type: 'bytes32' },
      { name: 'v', type: 'uint8' },
      { name: 'r', type: 'bytes32' },
      { name: 's', type: 'bytes32' },
    ],
    outputs: [],
  },
]

const authorizationTypes = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
}

const transferTopic = keccak256(toHex('Transfer(address,address,uint256)'))

export function createFakeChain({ chainId, token, name, version, balance }) {
  const usedNonces = new Set()
  const transfers = []
  const receipts = new Map()
  const calls = []
  let blockNumber = 1000n

  async function check(data) {
    const { functionName, args } = decodeFunctionData({ abi: transferWithAuthorizationAbi, data })
    if (functionName !== 'transferWithAuthorization') throw new Error('unexpected function')
    const [from, to, value, validAfter, validBefore, nonce, v, r, s] = args
    const signer = await recoverTypedDataAddress({
      domain: { name, version, chainId, verifyingContract: token },
      types: authorizationTypes,
      primaryType: 'TransferWithAuthorization',
      message: { from, to, value, validAfter, validBefore, nonce },
      signature: serializeSignature({ r, s, v: BigInt(v) }),
    })
    if (!isAddressEqual(signer, from)) throw new Error('FiatTokenV2: invalid signature')
    const now = BigInt(Math.floor(Date.now() / 1000))
    if (now <= validAfter) throw new Error('FiatTokenV2: authorization is not yet valid')
    if (now >= validBefore) throw new Error('FiatTokenV2: authorization is expired')
    if (usedNonces.has(`${from.toLowerCase()}:${nonce}`)) throw new Error('FiatTokenV2: authorization is used or canceled')
    if (value > balance) throw new Error('ERC20: transfer amount exceeds balance')
    return { from, to, value, validAfter, validBefore, nonce }
  }

  function revert(message) {
    return { code: 3, message: `execution reverted: ${message}`, data: '0x' }
  }

  async function handle(method, params) {
    calls.push(method)
    switch (method) {
      case 'eth_chainId':
        return toHex(chainId)
      case 'eth_blockNumber':
        return toHex(blockNumber)
      case 'eth_getCode':
        return isAddressEqual(params[0], token) ? '0x6080604052' : '0x'
      case 'eth_getTransactionCount':
        return toHex(transfers.length)
      case 'eth_gasPrice':
        return '0x3b9aca00'
      case 'eth_maxPriorityFeePerGas':
        return '0x3b9aca00'
      case 'eth_estimateGas':
        await check(params[0].data ?? params[0].input)
        return '0x186a0'
      case 'eth_getBlockByNumber':
        return block(blockNumber)
      case 'eth_call': {
        const call = params[0]
        if (!call.to || !isAddressEqual(call.to, token)) throw revert('no contract at this address')
        await check(call.data ?? call.input)
        return '0x'
      }
      case 'eth_sendRawTransaction': {
        const tx = parseTransaction(params[0])
        if (Number(tx.chainId) !== chainId) throw revert('wrong chain id')
        if (!tx.to || !isAddressEqual(tx.to, token)) throw revert('transaction is not to the token')
        const transfer = await check(tx.data)
        usedNonces.add(`${transfer.from.toLowerCase()}:${transfer.nonce}`)
        const hash = keccak256(params[0])
        blockNumber += 1n
        transfers.push({
          hash,
          from: getAddress(transfer.from),
          to: getAddress(transfer.to),
          value: transfer.value.toString(),
          validAfter: transfer.validAfter.toString(),
          validBefore: transfer.validBefore.toString(),
          nonce: transfer.nonce,
        })
        receipts.set(hash, {
          transactionHash: hash,
          transactionIndex: '0x0',
          blockHash: pad(toHex(blockNumber), { size: 32 }),
          blockNumber: toHex(blockNumber),
          from: tx.from ?? '0x0000000000000000000000000000000000000000',
          to: token,
          cumulativeGasUsed: '0x186a0',
          gasUsed: '0x186a0',
          effectiveGasPrice: '0x3b9aca00',
          contractAddress: null,
          logsBloom: `0x${'00'.repeat(256)}`,
          status: '0x1',
          type: '0x2',
          logs: [
            {
              address: token,
              topics: [transferTopic, pad(transfer.from, { size: 32 }), pad(transfer.to, { size: 32 })],
              data: encodeAbiParameters([{ type: 'uint256' }], [transfer.value]),
              blockNumber: toHex(blockNumber),
              blockHash: pad(toHex(blockNumber), { size: 32 }),
              transactionHash: hash,
              transactionIndex: '0x0',
              logIndex: '0x0',
              removed: false,
            },
          ],
        })
        return hash
      }
      case 'eth_getTransactionReceipt':
        return receipts.get(params[0]) ?? null
      default:
        throw { code: -32601, message: `method ${method} is not served by the fake chain` }
    }
  }

  function block(n) {
    return {
      number: toHex(n),
      hash: pad(toHex(n), { size: 32 }),
      parentHash: pad(toHex(n - 1n), { size: 32 }),
      timestamp: toHex(Math.floor(Date.now() / 1000)),
      baseFeePerGas: '0x3b9aca00',
      gasLimit: '0x1c9c380',
      gasUsed: '0x0',
      miner: '0x0000000000000000000000000000000000000000',
      transactions: [],
      difficulty: '0x0',
      extraData: '0x',
      logsBloom: `0x${'00'.repeat(256)}`,
      nonce: '0x0000000000000000',
      sha3Uncles: pad('0x0', { size: 32 }),
      size: '0x0',
      stateRoot: pad('0x0', { size: 32 }),
      receiptsRoot: pad('0x0', { size: 32 }),
      transactionsRoot: pad('0x0', { size: 32 }),
      mixHash: pad('0x0', { size: 32 }),
      totalDifficulty: '0x0',
      uncles: [],
    }
  }

  // A JSON-RPC request body (one call or a batch) → the response body.
  async function rpc(body) {
    const one = async ({ id, method, params }) => {
      try {
        return { jsonrpc: '2.0', id, result: await handle(method, params ?? []) }
      } catch (e) {
        const error = e && typeof e.code === 'number' ? e : revert(e?.message ?? String(e))
        return { jsonrpc: '2.0', id, error }
      }
    }
    return Array.isArray(body) ? Promise.all(body.map(one)) : one(body)
  }

  return { rpc, transfers, calls }
}
