#!/usr/bin/env bash
# Where RpcTemplate's time goes: hello-server (event-loop mode) pinned to CPU 0, RpcTemplateLoad
# pinned to CPU 1 under JFR, Go's jsonrpc.Client at the same load first for reference. Prints the
# load's result, JFR's hot methods (Java samples, and on JDK 25 CPU-time samples, which see native
# frames too), the samples per thread, and the client's context switches in its measured window
# (summed over its threads and per thread name, read by the load itself from /proc/self/task).
#
#   bench/client-profile.sh [SECONDS] [WARMUP_SECONDS]          (default 10 and 15)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java LOAD=32x4 MODE=virtual BUILD=hand bench/client-profile.sh
#                        MODE: platform | virtual | async; BUILD: hand | shared | auto (see RpcTemplateLoad)
#   CLIENT_JAVA_OPTS=-Xmx256m bench/client-profile.sh   (the client JVM's options)
# The recording stays in target/bench/client.jfr for `jfr view` / `jfr print` / JMC.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
secs=${1:-10}
warm=${2:-15}
java=${JAVA:-java}
jfr="$(dirname "$(readlink -f "$(command -v "$java")")")/jfr"
load=${LOAD:-32x4}
conns=${load%x*}; inflight=${load#*x}
mode=${MODE:-virtual}
build=${BUILD:-hand}
work=target/bench
mkdir -p "$work"

[ -f hello-server/target/hello-server.jar ] && [ -d jsonrpc-tcp/target/test-classes ] || { echo "build first: /work/tools/build -pl hello-server -am package -DskipTests" >&2; exit 2; }
(cd interop/gohello && GOPROXY=off go build -o "../../$work/gohello" .)
if [ -n "${BENCH_CLASSPATH:-}" ]; then
  classpath=$BENCH_CLASSPATH
else
  [ -f "$work/cp.txt" ] || ./mvnw -q -B -pl jsonrpc-tcp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$work/cp.txt" >/dev/null
  classpath="jsonrpc-tcp/target/test-classes:jsonrpc-tcp/target/classes:$(cat "$work/cp.txt")"
fi
load_cpu=$(( $(nproc) > 1 ? 1 : 0 ))
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

log="$work/profile-server.log"
taskset -c 0 "$java" -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0 \
  --server.port=0 --server.address=127.0.0.1 --rpc.server.call-threads=event-loop >"$log" 2>&1 &
pids+=($!)
port=""
for _ in $(seq 1 3000); do
  port=$(grep -oE "listening on \S*:[0-9]+" "$log" | grep -oE "[0-9]+$" || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "hello-server did not start:"; cat "$log"; exit 1; } >&2
taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:$port" -conns=4 -inflight=16 -warmup=0s -duration="${warm}s" >/dev/null

echo "Client profile: RpcTemplateLoad $conns x $inflight, $mode callers, $build templates, ${secs} s after ${warm} s of warm-up"
echo "client JVM: $("$java" -version 2>&1 | head -1) ${CLIENT_JAVA_OPTS:-}; client on CPU $load_cpu, hello-server on CPU 0"
echo
echo "Go jsonrpc.Client, same load: $(taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:$port" -conns="$conns" -inflight="$inflight" -warmup=2s -duration="${secs}s")"

# Java samples every 1 ms (profile's 10/20 ms are too coarse for a 10 s window); on JDK 25 also
# CPU-time samples (JEP 509), which catch the time spent in native code and the kernel's entry.
settings=(jdk.ExecutionSample#period=1ms jdk.NativeMethodSample#period=5ms)
cpu_time=$("$java" -XshowSettings:properties -version 2>&1 \
  | awk -F'= ' '/java.specification.version/ {print ($2 + 0 >= 25) ? "yes" : "no"}')
[ "$cpu_time" = yes ] && settings+=("+jdk.CPUTimeSample#enabled=true" "jdk.CPUTimeSample#throttle=1ms")
"$jfr" configure --input profile "${settings[@]}" --output "$work/client-profile.jfc" >/dev/null

rm -f "$work/client.jfr" "$work/profile-load.err"
taskset -c "$load_cpu" "$java" ${CLIENT_JAVA_OPTS:-} \
  -XX:StartFlightRecording=delay="${warm}s",duration="${secs}s",filename="$work/client.jfr",settings="$PWD/$work/client-profile.jfc" \
  -cp "$classpath" io.hellorpc.jsonrpc.bench.RpcTemplateLoad 127.0.0.1 "$port" "$conns" "$inflight" "$warm" "$secs" 50000000 "$mode" "$build" \
  >"$work/profile-load.out" 2>"$work/profile-load.err" &
client=$!
pids+=("$client")
wait "$client"
result=$(grep '^{' "$work/profile-load.out")
echo "RpcTemplate:                        $result"
calls=$(grep -oE '"calls":[0-9]+' <<<"$result" | cut -d: -f2)
echo
echo "Context switches of the client's threads in its measured window (threads alive at both ends, as RpcTemplateLoad"
echo "read them from /proc/self/task/*/status):"
echo
echo "| threads | voluntary | involuntary | voluntary per call | involuntary per call |"
echo "|---|---|---|---|---|"
awk -v calls="$calls" '$1 == "ctxt-switches" && $3 + $4 > 0 {
    printf "| %s | %d | %d | %.3f | %.3f |\n", $2, $3, $4, $3 / calls, $4 / calls; v += $3; n += $4 }
  END { printf "| **all** | **%d** | **%d** | **%.3f** | **%.3f** |\n", v, n, v / calls, n / calls }' "$work/profile-load.err" \
  | sort -t'|' -k3 -nr
echo
# per_thread EVENT: samples per thread name (numbers folded to N; virtual threads have no name)
per_thread() {
  "$jfr" print --events "$1" --stack-depth 1 "$work/client.jfr" \
    | awk -F'"' '/(sampledThread|eventThread) = / {name = ($2 == "") ? "(virtual threads)" : $2; gsub(/[0-9]+/, "N", name); c[name]++; t++}
        END {for (k in c) printf "%6d  %5.1f%%  %s\n", c[k], 100 * c[k] / t, k}' | sort -nr | head -10 || true
}
echo "Samples per thread, Java samples:"
echo
per_thread jdk.ExecutionSample
if [ "$cpu_time" = yes ]; then
  echo
  echo "Samples per thread, CPU-time samples:"
  echo
  per_thread jdk.CPUTimeSample
fi
# top_frames EVENT: the most sampled top frames, with their line
top_frames() {
  "$jfr" print --events "$1" --stack-depth 1 "$work/client.jfr" \
    | awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); c[$0]++; t++} END {for (k in c) printf "%6d  %5.1f%%  %s\n", c[k], 100 * c[k] / t, k}' \
    | sort -nr | head -15 || true
}
echo
echo "Top frames with their line, Java samples:"
echo
top_frames jdk.ExecutionSample
if [ "$cpu_time" = yes ]; then
  echo
  echo "Top frames with their line, CPU-time samples:"
  echo
  top_frames jdk.CPUTimeSample
fi
echo
echo "Hot methods (Java samples, top frame):"
"$jfr" view --width 160 hot-methods "$work/client.jfr" | head -22 || true
if [ "$cpu_time" = yes ]; then
  echo
  echo "Hot methods (CPU-time samples, native frames included):"
  "$jfr" view --width 160 cpu-time-hot-methods "$work/client.jfr" 2>&1 | head -22 || true
fi
