#!/bin/bash
# Benchmark helper (docs/benchmarks.md): times `npm start` in checkout $1 until GET /api/v1/health
# answers on port $2, with a fresh data directory, then stops the node. Needs curl, ss and bc.
set -u
dir=$1; port=$2
data=$(mktemp -d)
start=$(date +%s.%N)
(cd "$dir" && COMITY_PORT=$port COMITY_DATA_DIR=$data npm start > /tmp/coldstart-$port.log 2>&1 &)
until curl -sf "http://127.0.0.1:$port/api/v1/health" > /dev/null; do sleep 0.1; done
end=$(date +%s.%N)
echo "$(echo "$end - $start" | bc) s"
pid=$(ss -ltnp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); [ -n "$pid" ] && kill $pid
rm -rf "$data"
