// The `test` charge method (payload {token}) the .NET client's TestPaymentMethod pays, for the MCP interop server.
import { Errors, Method, Receipt, z } from 'mppx'

export const VALID_TOKEN = 'valid-test-token'

export const testCharge = Method.from({
  name: 'test',
  intent: 'charge',
  schema: {
    credential: { payload: z.object({ token: z.string() }) },
    request: z.object({ amount: z.string(), currency: z.string(), recipient: z.string() }),
  },
})

let receiptCounter = 0
export const testChargeServer = Method.toServer(testCharge, {
  async verify({ credential }) {
    if (credential.payload.token !== VALID_TOKEN)
      throw new Errors.VerificationFailedError({ reason: 'invalid test token' })
    receiptCounter += 1
    return Receipt.from({
      method: 'test',
      reference: `test_${credential.challenge.id.slice(0, 12)}_${receiptCounter}`,
      status: 'success',
      timestamp: new Date().toISOString(),
    })
  },
})
