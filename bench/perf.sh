#!/usr/bin/env bash
# Throughput, latency and server CPU per call: hello-server (Java) against Go's net/rpc/jsonrpc
# server and a floor server (fixed reply, parses nothing but the id), side by side in one run.
# The server under test is pinned to CPU 0 and the load generator to CPU 1; the load generator is
# the Go program's bench mode (Go's jsonrpc.Client), the same for all three servers, and then our
# RpcTemplate against hello-server. Rows are run A, B, C in turn after a warm-up.
#
#   bench/perf.sh [SECONDS_PER_ROW] [WARMUP_SECONDS] [JIT_WARMUP_SECONDS]   (default 5, 2 and 15)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS=-Xmx64m bench/perf.sh
#                        (the JVM that runs hello-server and the Java client, and hello-server's JVM options)
#   SERVER_ARGS=--rpc.server.call-threads=task-executor bench/perf.sh
#                        (hello-server's arguments; by default its calls run on the event loop, since
#                         Handler.Execute never blocks)
#
# Prints Markdown tables, then the start-up rows of bench/startup.sh (STARTUP=0 leaves them out).
# Needs Go (Debian: golang-go) and taskset (util-linux).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
warm=${2:-2}
jit_warm=${3:-15}   # once per server before the table, and per Java client run: the JIT needs it
java=${JAVA:-java}
work=target/bench
loads=${LOADS:-"1x1 4x16 32x4"}
mkdir -p "$work"

[ -f hello-server/target/hello-server.jar ] && [ -d jsonrpc-tcp/target/test-classes ] || ./mvnw -q -B package -DskipTests
(cd interop/gohello && GOPROXY=off go build -o "../../$work/gohello" .)
if [ -n "${BENCH_CLASSPATH:-}" ]; then
  classpath=$BENCH_CLASSPATH
else
  [ -f "$work/cp.txt" ] || ./mvnw -q -B -pl jsonrpc-tcp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$work/cp.txt" >/dev/null
  classpath="jsonrpc-tcp/target/test-classes:jsonrpc-tcp/target/classes:$(cat "$work/cp.txt")"
fi

ncpu=$(nproc)
server_cpu=0
load_cpu=$(( ncpu > 1 ? 1 : 0 ))
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

# start NAME LOG COMMAND... : starts a server pinned to the server CPU; sets PORT_<NAME>, PID_<NAME>
start() {
  local name=$1 log="$work/$1.log"; shift
  taskset -c "$server_cpu" "$@" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  local port=""
  for _ in $(seq 1 300); do
    port=$(grep -oE "listening on \S*:[0-9]+" "$log" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "perf: $name did not start:"; cat "$log"; exit 1; } >&2
  printf -v "PORT_$name" '%s' "$port"
  printf -v "PID_$name" '%s' "$pid"
}

start ours "$java" ${JAVA_OPTS:-} -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0 \
  --server.port=0 --server.address=127.0.0.1 ${SERVER_ARGS---rpc.server.call-threads=event-loop}
start go "$work/gohello" -mode=server -addr=127.0.0.1:0
start floor "$work/gohello" -mode=floor -addr=127.0.0.1:0

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
field() { grep -oE "\"$2\":[0-9.]+" <<<"$1" | cut -d: -f2; }

# drive CLIENT SERVER CONNS INFLIGHT: warm-up, then a measured run; prints "calls/s p50 p99 cpu_us_per_call"
drive() {
  local client=$1 server=$2 conns=$3 inflight=$4
  local port="PORT_$server" pid="PID_$server"
  port=${!port}; pid=${!pid}
  local cmd
  if [ "$client" = go ]; then
    cmd=(taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:$port" -conns="$conns" -inflight="$inflight")
    "${cmd[@]}" -warmup=0s -duration="${warm}s" >/dev/null
    local t0; t0=$(ticks "$pid")
    local out; out=$("${cmd[@]}" -warmup=0s -duration="${secs}s")
  else
    cmd=(taskset -c "$load_cpu" "$java" -cp "$classpath" io.hellorpc.jsonrpc.bench.RpcTemplateLoad 127.0.0.1 "$port" "$conns" "$inflight")
    # the JVM's own warm-up happens inside the run: ticks are read at the start of its measured window
    local t0 out
    "${cmd[@]}" "$jit_warm" "$secs" >"$work/load.out" &
    local load=$!
    sleep "$jit_warm"; sleep 0.5
    t0=$(ticks "$pid")
    local t0_at; t0_at=$(date +%s%N)
    wait $load
    out=$(cat "$work/load.out")
  fi
  local t1; t1=$(ticks "$pid")
  local calls; calls=$(field "$out" calls)
  local cpu_calls=$calls
  if [ "$client" != go ]; then
    # the CPU window started 0.5 s into the measured window: scale calls to it
    cpu_calls=$(awk -v c="$calls" -v s="$secs" 'BEGIN {print c * (s - 0.5) / s}')
  fi
  awk -v cps="$(field "$out" callsPerSec)" -v p50="$(field "$out" p50us)" -v p99="$(field "$out" p99us)" \
      -v dt="$((t1 - t0))" -v hz="$hz" -v n="$cpu_calls" -v err="$(field "$out" errors)" \
      'BEGIN { printf "%.0f %.0f %.0f %.1f %d\n", cps, p50, p99, (n > 0 ? dt / hz * 1e6 / n : 0), err }'
}

row() { # LOAD LABEL "cps p50 p99 cpu err"
  read -r cps p50 p99 cpu err <<<"$3"
  printf '| %s | %s | %s | %s | %s | %s |%s\n' "$1" "$2" "$cps" "$p50" "$p99" "$cpu" "$([ "$err" != 0 ] && echo " $err errors" || true)"
}
ratio() { # LOAD "ours" "go"
  read -r c1 a1 b1 u1 _ <<<"$2"; read -r c2 a2 b2 u2 _ <<<"$3"
  awk -v l="$1" -v c1="$c1" -v c2="$c2" -v a1="$a1" -v a2="$a2" -v b1="$b1" -v b2="$b2" -v u1="$u1" -v u2="$u2" \
    'function r(x, y) { return y > 0 ? sprintf("%.2f", x / y) : "-" }
     BEGIN { printf "| %s | **ours / Go** | **%s** | **%s** | **%s** | **%s** |\n", l, r(c1, c2), r(a1, a2), r(b1, b2), r(u1, u2) }'
}

for s in ours go floor; do
  port="PORT_$s"
  taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:${!port}" -conns=4 -inflight=16 -warmup=0s -duration="${jit_warm}s" >/dev/null
done

echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); server on CPU $server_cpu, load on CPU $load_cpu"
echo "Each server warmed ${jit_warm} s at 4 x 16 first; then ${secs} s a row after ${warm} s of the same load (the Java client: ${jit_warm} s)"
echo "hello-server on: $("$java" -version 2>&1 | head -1) ${JAVA_OPTS:-} ${SERVER_ARGS---rpc.server.call-threads=event-loop}"
echo
echo "| load (conns x in flight) | server | calls/s | p50 µs | p99 µs | server CPU µs/call |"
echo "|---|---|---|---|---|---|"
for load in $loads; do
  conns=${load%x*}; inflight=${load#*x}
  ours=$(drive go ours "$conns" "$inflight")
  go=$(drive go go "$conns" "$inflight")
  floor=$(drive go floor "$conns" "$inflight")
  row "$conns x $inflight" "hello-server (Java)" "$ours"
  row "$conns x $inflight" "Go net/rpc/jsonrpc" "$go"
  row "$conns x $inflight" "floor (fixed reply)" "$floor"
  ratio "$conns x $inflight" "$ours" "$go"
done
echo
echo "Java client: RpcTemplate (CONNS templates, INFLIGHT threads each) against hello-server"
echo
echo "| load (conns x in flight) | client | calls/s | p50 µs | p99 µs | server CPU µs/call |"
echo "|---|---|---|---|---|---|"
for load in $loads; do
  conns=${load%x*}; inflight=${load#*x}
  row "$conns x $inflight" "RpcTemplate" "$(drive java ours "$conns" "$inflight")"
done
echo
for s in ours go floor; do
  pid="PID_$s"
  echo "RSS after the run, $s: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/${!pid}/status")"
done

if [ "${STARTUP:-1}" != 0 ]; then
  kill "${pids[@]}" 2>/dev/null || true
  echo
  echo "Start-up:"
  bash bench/startup.sh
fi
