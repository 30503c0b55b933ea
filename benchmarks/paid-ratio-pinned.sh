#!/usr/bin/env bash
# The paid/unpaid ratio with the server in its own process on its own core (taskset), so that the measurement is the
# client's: the server no longer competes with the client for CPU.  Usage: benchmarks/paid-ratio-pinned.sh [rounds] [n]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-15}
n=${2:-1000}
dll=benchmarks/Mpp.Client.Benchmarks/bin/Release/net10.0/Mpp.Client.Benchmarks.dll
dotnet build -c Release benchmarks/Mpp.Client.Benchmarks >/dev/null
fifo=$(mktemp -u); mkfifo "$fifo"; exec 3<>"$fifo"
taskset -c 1 dotnet "$dll" --serve <"$fifo" >"$fifo.out" 2>&1 &
server=$!
trap 'exec 3>&-; kill $server 2>/dev/null || true; rm -f "$fifo" "$fifo.out"' EXIT
for _ in $(seq 100); do grep -q LISTENING "$fifo.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep LISTENING "$fifo.out" | awk '{print $2}')
taskset -c 0 dotnet "$dll" --paid-ratio "$rounds" "$n" --url "$url"
