#!/usr/bin/env bash
# Start-up of the mpp command beside mppx's CLI, in the same run (hyperfine, Debian package): `mpp --version` as the
# Native AOT binary and as the framework-dependent tool (dotnet mpp.dll), and `node …/mppx/dist/bin.js --version`
# (mppx 0.11.0, pinned by interop/mppx/package-lock.json). Prints the ratios; the target is AOT ≤ 0.2× mppx.
# Usage: benchmarks/cli-startup.sh [path to an AOT-published mpp binary]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
[[ -d interop/mppx/node_modules/mppx ]] || (cd interop/mppx && npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
aot=${1:-}
if [[ -z "$aot" ]]; then
  dotnet publish src/Mpp.Cli -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false -o "$work/aot" >/dev/null
  aot="$work/aot/mpp"
fi
dotnet build src/Mpp.Cli -c Release -o "$work/fdd" >/dev/null
mppx="interop/mppx/node_modules/mppx/dist/bin.js"
hyperfine --warmup 5 --runs 40 -N --export-json "$work/startup.json" \
  -n "mpp (Native AOT)" "$aot --version" \
  -n "mpp (dotnet mpp.dll)" "dotnet $work/fdd/mpp.dll --version" \
  -n "mppx (node)" "node $mppx --version"
python3 - "$work/startup.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
base = r["mppx (node)"]
for name, mean in r.items():
    print(f"{name:24s} {mean * 1000:8.1f} ms   {mean / base:5.2f}x mppx")
PY
