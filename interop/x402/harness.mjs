// The process protocol the .NET test fixtures speak with the Node servers in this folder: ../harness-core.mjs (shared
// with interop/mppx; Node built-ins only).
export { parseArgs, serve } from '../harness-core.mjs'
