#!/usr/bin/env bash
# Bounded output: hello-server (-Xmx64m) against peers that pipeline large calls and never read a
# reply. Prints the server's resident memory every 5 s and the backpressure counter at the end.
#
#   bench/never-reading-peer.sh [SECONDS] [CONNS] [MESSAGE_BYTES]     (default 60, 4 and 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
conns=${2:-4}
size=${3:-1000000}
java=${JAVA:-java}
work=target/bench
mkdir -p "$work"
[ -f hello-server/target/hello-server.jar ] && [ -d jsonrpc-tcp/target/test-classes ] || ./mvnw -q -B package -DskipTests
"$java" -Xmx64m -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0 \
  --server.port=0 --server.address=127.0.0.1 >"$work/never-reading-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  grep -q "listening on" "$work/never-reading-server.log" && break
  sleep 0.1
done
rpc=$(grep -oE "listening on \S*:[0-9]+" "$work/never-reading-server.log" | grep -oE "[0-9]+$")
http=$(grep -oE "Tomcat started on port [0-9]+" "$work/never-reading-server.log" | grep -oE "[0-9]+$")
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$server/status"; }
echo "hello-server -Xmx64m, RSS before: $(rss)"
"$java" -cp "jsonrpc-tcp/target/test-classes" io.hellorpc.jsonrpc.bench.NeverReadingPeer 127.0.0.1 "$rpc" "$conns" "$secs" "$size" &
peer=$!
for t in $(seq 5 5 "$secs"); do
  sleep 5
  echo "after ${t} s: RSS $(rss)"
done
wait $peer
echo "RSS at the end: $(rss)"
if command -v curl >/dev/null; then
  curl -s "http://127.0.0.1:$http/actuator/prometheus" | grep -E "^rpc_server_connections_reading_paused_total" || true
fi
