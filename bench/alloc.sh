#!/usr/bin/env bash
# Heap bytes allocated per call: on the server (hello-server, driven by Go's jsonrpc.Client) and on
# the client (RpcTemplate, in RpcTemplateLoad's JVM), for this build and, side by side in the same
# run, for another one ("before"), with their ratio.
#
#   bench/alloc.sh                                   this tree's build only
#   BEFORE=/work/wt-before bench/alloc.sh            and a worktree of an older commit, built there
#                                                    with `./mvnw package -DskipTests` (not install)
#   BEFORE_SERVER_JAR=/tmp/before/hello-server.jar BEFORE_CLIENT_JAR=/tmp/before/hello-client.jar bench/alloc.sh
#                                                    the same from the older build's jars alone
#   WARMUP_CALLS=5000 CALLS=20000 bench/alloc.sh     smoke-sized (the figures mean little)
#
# What each row does, and why so:
# - Server: the jar (SERVER_JAR, default hello-server/target/hello-server.jar; the before one from
#   BEFORE_SERVER_JAR, default $BEFORE/hello-server/target/hello-server.jar) runs on loopback, port 0
#   (the RPC port read from its log's "listening on host:port", as bench/perf.sh does), pinned to
#   CPU 0 with JAVA_OPTS (default -Xmx64m) and SERVER_ARGS (default none: as shipped). Go's client
#   (interop/gohello, bench mode, on CPU 1) first warms it at the row's load, WARMUP_CALLS calls
#   (default 200000) or WARMUP_SECONDS (default 60), whichever ends first, so that the JIT (and its
#   escape analysis, which removes allocations) is done; then it makes CALLS calls (default 500000,
#   at most CALL_SECONDS, default 300). The count is Go's, of calls answered right; a row with an
#   error fails the run.
#   The server's counter is com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes (Java 21+):
#   the bytes allocated on the heap by all its threads, ended ones included, counted by the JVM as it
#   allocates (the current TLABs' use included), not sampled: JFR's jdk.ThreadAllocationStatistics
#   misses ended threads and comes at its own period, Micrometer's jvm_gc_memory_allocated_bytes_total
#   moves only at GCs. AllocationProbe reads it from outside, over one JMX connection kept open (the
#   JVM's local agent, on loopback, started through the attach API before the warm-up). A read costs the server some kilobytes (RMI); a run also costs it its connections'
#   set-up and close. Both are taken out: each row also makes a run of one call per caller, and its
#   bytes per call are the difference between the two runs divided by the difference of their calls.
#   Each run's last read is 1 s after its last call, so that the closes of its connections are done
#   and counted in it. What the server allocates idle (Tomcat's utility thread: about 1 KB every 10 s
#   and some 90 KB about once a minute; the JVM's GC notifications, to Micrometer, count as the
#   load's: they follow from it) is measured once over IDLE_SECONDS (default 10) and printed, not
#   taken out: at most some 100 KB in a run (0.2 bytes a call of 500000), and whether the one spike
#   falls in the 10 s measured makes the printed rate anything from 0.1 to 10 KB/s.
# - Client: RpcTemplateLoad (jsonrpc-tcp's test code) against the server of this build, on CPU 1, one
#   JVM a row, CLIENT_MODE (default platform: a thread per caller, blocking call) and CLIENT_BUILD
#   (default shared: one RpcClientResources), CLIENT_JAVA_OPTS: its warm-up of WARMUP_CALLS calls,
#   then, every caller stopped (nothing in flight, the connections open), CALLS calls measured, the
#   JVM's getTotalThreadAllocatedBytes read in-process before and after them (reading it allocates
#   nothing). The before client runs this build's RpcTemplateLoad (copied to target/bench/alloc/driver)
#   on the before build's classes: BEFORE_CLASSPATH if given, else the libraries of BEFORE_CLIENT_JAR
#   (hello-client's Boot jar: BOOT-INF/lib), else $BEFORE/jsonrpc-tcp/target/classes and its
#   dependencies (its own mvnw dependency:build-classpath, test scope). RpcTemplateLoad uses only
#   RpcTemplateBuilder, RpcTemplate's call/callAsync/batch and RpcClientResources: a build whose API
#   differs there needs BEFORE_CLASSPATH with a driver of its own first. This build's classpath is
#   BENCH_CLASSPATH, or as bench/perf.sh makes it.
# Bytes are the Java heap's: Netty's pooled direct buffers are off-heap and not counted.
#
#   SERVER_LOADS="1x1 4x16 32x4"   CONNS x IN FLIGHT of the server rows (default)
#   CLIENT_LOADS="1x1 4x16"        TEMPLATES x CALLERS of the client rows (default)
#   SIDES="server client"          which tables (default both)
#   JAVA=...                       the JVM of everything (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#
# Prints Markdown tables (kept in target/bench/alloc/alloc.md; each row's raw figures in raw.log there).
# Needs Go (Debian: golang-go, 1.19+), a JDK 21+ (25 by default; its jar tool for BEFORE_CLIENT_JAR)
# and taskset (util-linux); builds
# this tree (./mvnw package -DskipTests) if its jar or test classes are missing.
set -euo pipefail
shopt -s inherit_errexit   # a load program that fails fails the run
cd "$(dirname "$0")/.."
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=target/bench/alloc
server_jar=${SERVER_JAR:-hello-server/target/hello-server.jar}
before=${BEFORE:-}
before_server_jar=${BEFORE_SERVER_JAR:-${before:+$before/hello-server/target/hello-server.jar}}
warmup_calls=${WARMUP_CALLS:-200000}
warmup_secs=${WARMUP_SECONDS:-60}
calls=${CALLS:-500000}
call_secs=${CALL_SECONDS:-300}
idle_secs=${IDLE_SECONDS:-10}
server_loads=${SERVER_LOADS:-"1x1 4x16 32x4"}
client_loads=${CLIENT_LOADS:-"1x1 4x16"}
client_mode=${CLIENT_MODE:-platform}
client_build=${CLIENT_BUILD:-shared}
sides=" ${SIDES:-server client} "
has() { [[ $sides == *" $1 "* ]]; }
java_opts=${JAVA_OPTS--Xmx64m}
server_args=${SERVER_ARGS:-}
ncpu=$(nproc)
server_cpu=0
load_cpu=$(( ncpu > 1 ? 1 : 0 ))

rm -rf "$work" && mkdir -p "$work/driver/io/hellorpc/jsonrpc/bench"
exec > >(tee "$work/alloc.md")
fail() { echo "alloc: $*" >&2; exit 1; }

[ -f hello-server/target/hello-server.jar ] && [ -f jsonrpc-tcp/target/test-classes/io/hellorpc/jsonrpc/bench/AllocationProbe.class ] \
  || ./mvnw -q -B package -DskipTests >&2
[ -f "$server_jar" ] || fail "no server jar $server_jar"
[ -z "$before_server_jar" ] || [ -f "$before_server_jar" ] || fail "no before server jar $before_server_jar (build $before with ./mvnw package -DskipTests)"
(cd interop/gohello && GOPROXY=off go build -o "../../$work/gohello" .)
# the load and the probe, as this tree has them, for either build
cp jsonrpc-tcp/target/test-classes/io/hellorpc/jsonrpc/bench/RpcTemplateLoad*.class \
  jsonrpc-tcp/target/test-classes/io/hellorpc/jsonrpc/bench/AllocationProbe.class "$work/driver/io/hellorpc/jsonrpc/bench/"

# the clients' classpaths: this build's, and the before one's (empty: no before client)
after_cp=""
before_cp=""
if has client; then
  if [ -n "${BENCH_CLASSPATH:-}" ]; then
    after_cp=$BENCH_CLASSPATH
  else
    [ -f target/bench/cp.txt ] || ./mvnw -q -B -pl jsonrpc-tcp dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$PWD/target/bench/cp.txt" >&2
    after_cp="jsonrpc-tcp/target/test-classes:jsonrpc-tcp/target/classes:$(cat target/bench/cp.txt)"
  fi
  after_cp="$work/driver:$after_cp"
  if [ -n "${BEFORE_CLASSPATH:-}" ]; then
    before_cp=$BEFORE_CLASSPATH
  elif [ -n "${BEFORE_CLIENT_JAR:-}" ]; then
    jar_abs=$(realpath "$BEFORE_CLIENT_JAR")
    mkdir -p "$work/before-client"
    (cd "$work/before-client" && "${java%/java}/jar" xf "$jar_abs" BOOT-INF/lib)
    before_cp=$(ls "$work"/before-client/BOOT-INF/lib/*.jar | tr '\n' ':')
    before_cp=${before_cp%:}
  elif [ -n "$before" ]; then
    [ -d "$before/jsonrpc-tcp/target/classes" ] || fail "no $before/jsonrpc-tcp/target/classes (build $before with ./mvnw package -DskipTests)"
    (cd "$before" && ./mvnw -q -B -pl jsonrpc-tcp dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$OLDPWD/$work/before-cp.txt" >&2)
    before_cp="$(realpath "$before/jsonrpc-tcp/target/classes"):$(cat "$work/before-cp.txt")"
  fi
  [ -z "$before_cp" ] || before_cp="$work/driver:$before_cp"
fi

pids=()
probe_pid=""
cleanup() {
  [ -z "$probe_pid" ] || kill "$probe_pid" 2>/dev/null || true
  [ ${#pids[@]} = 0 ] || kill "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT

# launch NAME JAR: starts hello-server from JAR on the server CPU, logging to $work/NAME.log; sets PID_<NAME>
launch() {
  taskset -c "$server_cpu" "$java" $java_opts -jar "$2" --rpc.server.host=127.0.0.1 --rpc.server.port=0 \
    --server.port=0 --server.address=127.0.0.1 $server_args >"$work/$1.log" 2>&1 &
  pids+=("$!")
  printf -v "PID_$1" '%s' "$!"
}
# await NAME: waits for its RPC port in its log (at most 5 minutes, while it lives); sets PORT_<NAME>
await() {
  local log="$work/$1.log" pid="PID_$1" port=""
  pid=${!pid}
  for _ in $(seq 1 3000); do
    port=$(grep -oE "listening on \S*:[0-9]+" "$log" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "alloc: $1 did not start:"; cat "$log"; exit 1; } >&2
  printf -v "PORT_$1" '%s' "$port"
}

servers=(after)
launch after "$server_jar"
if has server && [ -n "$before_server_jar" ]; then
  launch before "$before_server_jar"
  servers+=(before)
fi
for s in "${servers[@]}"; do await "$s"; done

# The probe: one JVM attached to every server (index = place in servers), read line by line.
probe_pids=()
for s in "${servers[@]}"; do pid="PID_$s"; probe_pids+=("${!pid}"); done
mkfifo "$work/probe.in" "$work/probe.out"
taskset -c "$load_cpu" "$java" -cp "$work/driver" io.hellorpc.jsonrpc.bench.AllocationProbe "${probe_pids[@]}" \
  <"$work/probe.in" >"$work/probe.out" 2>"$work/probe.err" &
probe_pid=$!
exec {probe_to}>"$work/probe.in" {probe_from}<"$work/probe.out"
IFS= read -r -t 120 ready <&"$probe_from" || true
[ "${ready:-}" = ready ] || { echo "alloc: the probe did not attach:"; cat "$work/probe.err"; exit 1; } >&2
# read_alloc NAME: sets alloc to the server's allocated bytes so far
read_alloc() {
  local i
  for i in "${!servers[@]}"; do [ "${servers[$i]}" = "$1" ] && break; done
  echo "$i" >&"$probe_to"
  IFS= read -r -t 120 alloc <&"$probe_from" || { echo "alloc: the probe did not answer:"; cat "$work/probe.err"; exit 1; } >&2
  [[ $alloc =~ ^[0-9]+$ ]] || fail "the probe said: $alloc"
}
now() { date +%s%N; }
field() { grep -oE "\"$2\":[0-9.]+" <<<"$1" | cut -d: -f2; }

# go_run PORT CONNS INFLIGHT MAXCALLS SECONDS: Go's bench mode, no warm-up of its own; its JSON line
go_run() {
  taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:$1" -conns="$2" -inflight="$3" -warmup=0s \
    -maxcalls="$4" -duration="${5}s"
}

# calibrate NAME: the cost of a read (median of 5 back to back) and the idle allocation rate, reads
# left out; sets READ_<NAME> (bytes) and IDLE_<NAME> (bytes/s)
calibrate() {
  local deltas=() prev t0 t1 idle
  sleep 1
  read_alloc "$1"; prev=$alloc
  for _ in 1 2 3 4 5; do read_alloc "$1"; deltas+=($(( alloc - prev ))); prev=$alloc; done
  local read_cost; read_cost=$(printf '%s\n' "${deltas[@]}" | sort -n | sed -n 3p)
  t0=$(now); read_alloc "$1"; prev=$alloc
  sleep "$idle_secs"
  read_alloc "$1"; t1=$(now)
  idle=$(awk -v d="$(( alloc - prev - read_cost ))" -v ns="$(( t1 - t0 ))" 'BEGIN { r = d / (ns / 1e9); printf "%.0f", (r > 0 ? r : 0) }')
  printf -v "READ_$1" '%s' "$read_cost"
  printf -v "IDLE_$1" '%s' "$idle"
  echo "$1: a read costs $read_cost bytes; idle $idle bytes/s (deltas ${deltas[*]})" >>"$work/raw.log"
}

# server_row NAME CONNS INFLIGHT: warm-up, the one-call-per-caller run, the measured run; sets
# row_bpc (bytes/call), row_calls, row_cps (calls/s of the measured run), row_fixed (bytes of a run's fixed cost)
server_row() {
  local name=$1 conns=$2 inflight=$3 port="PORT_$1"
  port=${!port}
  go_run "$port" "$conns" "$inflight" "$warmup_calls" "$warmup_secs" >/dev/null
  local cal="READ_$name"
  [ -n "${!cal:-}" ] || calibrate "$name"
  local a0 b0 a1 b1 t0 t1 t2 t3 short long
  sleep 1
  read_alloc "$name"; a0=$alloc; t0=$(now)
  short=$(go_run "$port" "$conns" "$inflight" "$(( conns * inflight ))" "$call_secs")
  sleep 1
  t1=$(now); read_alloc "$name"; b0=$alloc
  read_alloc "$name"; a1=$alloc; t2=$(now)
  long=$(go_run "$port" "$conns" "$inflight" "$calls" "$call_secs")
  sleep 1
  t3=$(now); read_alloc "$name"; b1=$alloc
  local n0 n1 expected
  n0=$(field "$short" calls); n1=$(field "$long" calls)
  expected=$(( calls / (conns * inflight) * conns * inflight ))
  [ "$n1" -gt "$n0" ] || fail "$name at $conns x $inflight: $n1 calls measured"
  [ "$n1" = "$expected" ] || echo "alloc: $name at $conns x $inflight: $n1 calls of $expected (CALL_SECONDS ended the run first)" >&2
  read -r row_bpc row_fixed < <(awk -v ds="$(( b0 - a0 ))" -v dl="$(( b1 - a1 ))" -v n0="$n0" -v n1="$n1" \
    'BEGIN { p = (dl - ds) / (n1 - n0); printf "%.1f %.0f\n", p, ds - n0 * p }')
  row_calls=$n1
  row_cps=$(field "$long" callsPerSec)
  echo "server $name $conns x $inflight: short run $n0 calls, $(( b0 - a0 )) bytes, $(( (t1 - t0) / 1000000 )) ms;" \
    "long run $n1 calls, $(( b1 - a1 )) bytes, $(( (t3 - t2) / 1000000 )) ms;" \
    "-> $row_bpc bytes/call, fixed $row_fixed bytes; $long" >>"$work/raw.log"
}

# client_row CLASSPATH LABEL TEMPLATES CALLERS: sets row_bpc, row_calls, row_cps
client_row() {
  local out
  out=$(taskset -c "$load_cpu" "$java" ${CLIENT_JAVA_OPTS:-} -cp "$1" io.hellorpc.jsonrpc.bench.RpcTemplateLoad \
    127.0.0.1 "$PORT_after" "$3" "$4" "$warmup_secs" "$call_secs" "$calls" "$client_mode" "$client_build" "$warmup_calls" \
    2>"$work/client.err") || { echo "alloc: RpcTemplateLoad ($2) failed:"; cat "$work/client.err"; exit 1; } >&2
  grep -h '^\(first error\|warm-up errors\):' "$work/client.err" | sed "s/^/alloc: client $2 at $3 x $4: /" >&2 || true
  [ "$(field "$out" errors)" = 0 ] || fail "client $2 at $3 x $4: $(field "$out" errors) errors"
  row_bpc=$(field "$out" allocBytesPerCall)
  [ -n "$row_bpc" ] || fail "client $2: RpcTemplateLoad printed no allocBytesPerCall: $out"
  row_calls=$(field "$out" calls)
  row_cps=$(field "$out" callsPerSec)
  local expected=$(( calls / ($3 * $4) * $3 * $4 ))
  [ "$row_calls" = "$expected" ] || echo "alloc: client $2 at $3 x $4: $row_calls calls of $expected (CALL_SECONDS ended the run first)" >&2
  echo "client $2 $3 x $4: $out" >>"$work/raw.log"
}

# table rows: with a before build, "| load | before | after | after / before |"; without, "| load | bytes/call | calls | calls/s |"
pair_row() { # LOAD BEFORE_BPC AFTER_BPC
  awk -v l="$1" -v b="$2" -v a="$3" 'BEGIN { printf "| %s | %.0f | %.0f | **%s** |\n", l, b, a, (b > 0 ? sprintf("%.2f", a / b) : "-") }'
}
single_row() { # LOAD BPC CALLS CPS
  awk -v l="$1" -v b="$2" -v n="$3" -v c="$4" 'BEGIN { printf "| %s | %.0f | %d | %.0f |\n", l, b, n, c }'
}

echo "Machine: $ncpu CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); server on CPU $server_cpu, load on CPU $load_cpu"
echo "JVM: $("$java" -version 2>&1 | head -1); hello-server: ${java_opts} ${server_args}"
echo "Each row: a warm-up of $warmup_calls calls (at most $warmup_secs s) at its load, then $calls calls measured (at most $call_secs s)"
if [ "$warmup_calls" -lt 200000 ] || [ "$calls" -lt 500000 ]; then
  echo "**Smoke-sized** (fewer than 200000 warm-up or 500000 measured calls): the figures are not the measurement"
fi
if has server; then
  echo
  echo "Server: heap bytes allocated per call by hello-server, driven by Go's jsonrpc.Client (conns x in flight)"
  echo "(after: $server_jar${before_server_jar:+; before: $before_server_jar})"
  echo
  if [ -n "$before_server_jar" ]; then
    echo "| load | before bytes/call | after bytes/call | after / before |"
  else
    echo "| load | bytes/call | calls | calls/s |"
  fi
  echo "|---|---|---|---|"
  for load in $server_loads; do
    conns=${load%x*}; inflight=${load#*x}
    if [ -n "$before_server_jar" ]; then
      server_row before "$conns" "$inflight"; b=$row_bpc
      server_row after "$conns" "$inflight"; a=$row_bpc
      pair_row "$conns x $inflight" "$b" "$a"
    else
      server_row after "$conns" "$inflight"
      single_row "$conns x $inflight" "$row_bpc" "$row_calls" "$row_cps"
    fi
  done
  echo
  for s in "${servers[@]}"; do
    r="READ_$s"; i="IDLE_$s"
    echo "$s: a read of its counter costs it ${!r} bytes (taken out, with each run's connections: raw.log); idle it allocates ${!i} bytes/s (not taken out)"
  done
fi
if has client; then
  echo
  echo "Client: heap bytes allocated per call in RpcTemplateLoad's JVM ($client_mode callers, $client_build build;"
  echo "templates x callers a template), against the after server${before_cp:+; before: ${BEFORE_CLASSPATH:+BEFORE_CLASSPATH}${BEFORE_CLASSPATH:-${BEFORE_CLIENT_JAR:-$before}}}"
  echo
  if [ -n "$before_cp" ]; then
    echo "| load | before bytes/call | after bytes/call | after / before |"
  else
    echo "| load | bytes/call | calls | calls/s |"
  fi
  echo "|---|---|---|---|"
  for load in $client_loads; do
    conns=${load%x*}; inflight=${load#*x}
    if [ -n "$before_cp" ]; then
      client_row "$before_cp" before "$conns" "$inflight"; b=$row_bpc
      client_row "$after_cp" after "$conns" "$inflight"; a=$row_bpc
      pair_row "$conns x $inflight" "$b" "$a"
    else
      client_row "$after_cp" after "$conns" "$inflight"
      single_row "$conns x $inflight" "$row_bpc" "$row_calls" "$row_cps"
    fi
  done
fi
