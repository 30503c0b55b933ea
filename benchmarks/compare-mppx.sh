#!/usr/bin/env bash
# Paid and free request throughput: Mpp.Client (.NET) vs mppx (reference TypeScript client), both paying the same
# mppx server (interop/mppx/server.mjs, /paid = 1000 usd base units, method test/charge).
#
# Usage: benchmarks/compare-mppx.sh [N]      (N requests per measurement, default 200)
# Needs: .NET SDK (global.json), Node.js 20+ with npm.
set -euo pipefail

N="${1:-200}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MPPX="$ROOT/interop/mppx"
PROJECT="$ROOT/benchmarks/Mpp.Client.Benchmarks"

if [ ! -d "$MPPX/node_modules/mppx" ]; then
  (cd "$MPPX" && npm ci --no-audit --no-fund >&2)
fi

echo "building the .NET driver (Release)..." >&2
dotnet build "$PROJECT" -c Release -v quiet -nologo >&2
DRIVER=(dotnet "$PROJECT/bin/Release/net10.0/Mpp.Client.Benchmarks.dll" --mppx-compare)

# Start the server with stdin on a FIFO we hold open: closing it (or killing node by its own PID) stops it.
WORK="$(mktemp -d)"
mkfifo "$WORK/stdin"
node "$MPPX/server.mjs" --exit-on-stdin-close < "$WORK/stdin" > "$WORK/stdout" 2> "$WORK/stderr" &
SERVER_PID=$!
exec 9> "$WORK/stdin"
cleanup() {
  exec 9>&- || true
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=""
for _ in $(seq 1 100); do
  PORT="$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$WORK/stdout" | head -n1)"
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/stderr" >&2; echo "server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "server did not print LISTENING" >&2; exit 1; }
URL="http://127.0.0.1:$PORT"
echo "mppx server at $URL, n=$N" >&2

RESULTS="$WORK/results.jsonl"
for C in 1 16; do
  echo "concurrency $C: mppx client..." >&2
  node "$MPPX/client-bench.mjs" --url "$URL" --n "$N" --concurrency "$C" >> "$RESULTS"
  echo "concurrency $C: Mpp.Client..." >&2
  "${DRIVER[@]}" --url "$URL" --n "$N" --concurrency "$C" >> "$RESULTS"
done

echo >&2
cat "$RESULTS" >&2
echo >&2

# One markdown table. "free overhead" = bare free rps / payment-enabled free rps - 1 (each client vs its own bare client).
node - "$RESULTS" <<'JS'
const fs = require('fs')
const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const pick = (client, c) => rows.find((r) => r.client === client && r.concurrency === c)
const pct = (r) => `${((r.free_bare_rps / r.free_mppx_rps - 1) * 100).toFixed(1)}%`
console.log('| concurrency | ratio paid rps ours/mppx | Mpp.Client paid req/s | mppx paid req/s | Mpp.Client free overhead vs bare HttpClient | mppx free overhead vs bare fetch |')
console.log('|---:|---:|---:|---:|---:|---:|')
for (const c of [1, 16]) {
  const ours = pick('Mpp.Client', c)
  const theirs = pick('mppx', c)
  console.log(`| ${c} | **${(ours.paid_rps / theirs.paid_rps).toFixed(2)}×** | ${ours.paid_rps} | ${theirs.paid_rps} | ${pct(ours)} (${ours.free_mppx_rps} vs ${ours.free_bare_rps} req/s) | ${pct(theirs)} (${theirs.free_mppx_rps} vs ${theirs.free_bare_rps} req/s) |`)
}
JS
