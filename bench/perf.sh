#!/usr/bin/env bash
# Throughput, latency and server CPU per call: hello-server (Java) against Go's net/rpc/jsonrpc
# server and a floor server (fixed reply, parses nothing but the id), side by side in one run.
# The server under test is pinned to CPU 0 and the load generator to CPU 1; the load generator is
# the Go program's bench mode (Go's jsonrpc.Client), the same for all three servers, and then our
# clients against hello-server: Go's jsonrpc.Client and RpcTemplate, with each client's own CPU
# per call. Rows run in turn after a warm-up.
#
# RpcTemplate's rows cross how the templates are built with how they are called:
#   hand    each of the CONNS templates `new RpcTemplateBuilder().address(h, p).build()`, no resources given
#   shared  one RpcClientResources for all of them, given to each builder
#   auto    a Spring Boot context (no web) with RpcClientAutoConfiguration, built from its RpcTemplateBuilder
# and platform (a platform thread per caller, blocking call), virtual (a virtual thread per caller;
# Java 21+) or async (a chain of callAsync per caller). Each row's JVM warms up once, then is measured
# in PAIRS slices, each right after a slice of Go's client at the same load: on a shared machine whose
# speed drifts by half from one minute to the next, only figures taken seconds apart compare.
#   CLIENT_MATRIX="hand:virtual shared:virtual"   the rows to run, BUILD:MODE (default: all nine;
#                        in smoke mode: shared with each MODE, hand and auto with virtual)
#   PAIRS=5              slices of each client row, each after one of Go's client (default 3; smoke mode 2)
#   ROUNDS=2             repeats the clients matrix and the fleet rows (default 1)
#   CLIENT_JAVA_OPTS=... the Java client's JVM options
#   SECTIONS="clients"   which tables: servers clients dialects tls fleet (default: all)
#
#   bench/perf.sh [SECONDS_PER_ROW] [WARMUP_SECONDS] [JIT_WARMUP_SECONDS]   (default 5, 2 and 15)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS=-Xmx64m bench/perf.sh
#                        (the JVM that runs hello-server and the Java client, and hello-server's JVM options)
#   SERVER_ARGS=--rpc.server.call-threads=task-executor bench/perf.sh
#                        (hello-server's arguments; by default --rpc.server.call-threads=event-loop)
#
# The servers table also has hello-server on NIO (not the native transport), as a user who changes
# nothing runs it (call-threads auto: Handler.Execute is @RpcNonBlocking, so it runs in place), and
# with every call on Boot's task executor (on Java 21+ also with spring.threads.virtual.enabled).
# Then TLS (mutual TLS, ECDSA P-256 and RSA-2048 certificates made by keytool for the run): hello-server
# behind Netty's SslHandler on the JDK's provider and on OpenSSL (BoringSSL), and Go's server behind
# crypto/tls, all driven by Go's jsonrpc.Client over crypto/tls: calls at TLS_LOAD (4 x 16) and full
# handshakes per second (ECDSA and RSA).
#
# Then fleets: three more hello-servers on 127.0.0.2, 127.0.0.3 and 127.0.0.4 with one RPC port (all
# on the server CPU, as the single one), and one RpcTemplate (FleetLoad: virtual-thread callers) over
# a name that resolves to the three (-Djdk.net.hosts.file), against the same template over the single
# server: each balancer (least-pending, round-robin), then the same with one replica stalling, as a
# container at its CPU limit is throttled (SIGSTOP for SLOW_STOP_MS of every SLOW_STOP_MS + SLOW_RUN_MS,
# default 75 of 100 ms, Linux's default CFS period). Each replica's share of the calls comes from its
# /actuator/prometheus (rpc_server_requests_seconds_count) in the measured window.
#   FLEET_LOADS="1x64 4x16"   TEMPLATES x IN FLIGHT of the fleet rows (default 1x64)
#
# Prints Markdown tables, then the start-up rows of bench/startup.sh (STARTUP=0 leaves them out);
# keeps them in target/bench/figures.md and charts the servers table as target/bench/figures.svg
# (bench/chart.sh; gnuplot) and the TLS tables as target/bench/figures-tls.svg (bench/chart-tls.sh).
#   CALLS=200 LOADS="1x1 4x16" STARTUP=0 bench/perf.sh
#                        (smoke mode: every row makes a fixed number of calls, however slow the
#                         machine; nothing is timed. The test suite runs it so.)
# Needs Go (Debian: golang-go) and taskset (util-linux).
set -euo pipefail
shopt -s inherit_errexit   # a load program that fails fails the run, not a row of zeros
cd "$(dirname "$0")/.."
secs=${1:-5}
warm=${2:-2}
jit_warm=${3:-15}   # once per server before the table, and per Java client run: the JIT needs it
java=${JAVA:-java}
work=target/bench
loads=${LOADS:-"1x1 4x16 32x4"}
sections=" ${SECTIONS:-servers clients dialects tls fleet} "
has() { [[ $sections == *" $1 "* ]]; }
rounds=${ROUNDS:-1}
pairs=${PAIRS:-$([ -n "${CALLS:-}" ] && echo 2 || echo 3)}   # the clients table's slices per row
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "perf: PAIRS must be 1 or more, not $pairs" >&2; exit 2; }
mkdir -p "$work"
# The run's output also goes to $work/figures.md, and bench/chart.sh draws its servers table as
# $work/figures.svg at the end (CHART=0: no chart).
if [ -z "${PERF_RECORDING:-}" ]; then
  set +e
  PERF_RECORDING=1 bash bench/perf.sh "$@" | tee "$work/figures.md"
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" = 0 ] && [ "${CHART:-1}" != 0 ] && has servers; then
    bash bench/chart.sh "$work/figures.md" "$work/figures.svg" || echo "perf: no chart (above)" >&2
  fi
  if [ "$status" = 0 ] && [ "${CHART:-1}" != 0 ] && has tls; then
    bash bench/chart-tls.sh "$work/figures.md" "$work/figures-tls.svg" || echo "perf: no TLS chart (above)" >&2
  fi
  exit "$status"
fi

[ -f hello-server/target/hello-server.jar ] && [ -d jsonrpc-tcp/target/test-classes ] || ./mvnw -q -B package -DskipTests
(cd interop/gohello && GOPROXY=off go build -o "../../$work/gohello" .)
if [ -n "${BENCH_CLASSPATH:-}" ]; then
  classpath=$BENCH_CLASSPATH
else
  [ -f "$work/cp.txt" ] || ./mvnw -q -B -pl jsonrpc-tcp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$work/cp.txt" >/dev/null
  classpath="jsonrpc-tcp/target/test-classes:jsonrpc-tcp/target/classes:$(cat "$work/cp.txt")"
fi

ncpu=$(nproc)
java_major=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
server_cpu=0
load_cpu=$(( ncpu > 1 ? 1 : 0 ))
pids=()
# (a replica left stopped by the fleet section's stall is woken, so that it can end)
trap 'kill "${pids[@]}" 2>/dev/null || true; kill -CONT "${pids[@]}" 2>/dev/null || true' EXIT

# start NAME COMMAND... : starts a server pinned to the server CPU; sets PORT_<NAME>, PID_<NAME>
start() {
  launch "$@"
  await "$1"
}
# launch NAME COMMAND... : starts it, logging to $work/NAME.log; sets PID_<NAME>
launch() {
  local name=$1 log="$work/$1.log"; shift
  taskset -c "$server_cpu" "$@" >"$log" 2>&1 &
  pids+=("$!")
  printf -v "PID_$name" '%s' "$!"
}
# await NAME : waits for its RPC port in its log; sets PORT_<NAME>
await() {
  local name=$1 log="$work/$1.log" pid="PID_$1"
  pid=${!pid}
  local port=""
  # however slow the machine: wait for the line while the process lives (at most 5 minutes)
  for _ in $(seq 1 3000); do
    port=$(grep -oE "listening on \S*:[0-9]+" "$log" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "perf: $name did not start:"; cat "$log"; exit 1; } >&2
  printf -v "PORT_$name" '%s' "$port"
}
# http_port NAME : the actuator's port of a hello-server, from its log; sets HTTP_<NAME>
http_port() {
  local name=$1 log="$work/$1.log" pid="PID_$1"
  pid=${!pid}
  local port=""
  for _ in $(seq 1 3000); do
    port=$(grep -oE "Tomcat started on port [0-9]+" "$log" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "perf: $name has no actuator port:"; cat "$log"; exit 1; } >&2
  printf -v "HTTP_$name" '%s' "$port"
}

start ours "$java" ${JAVA_OPTS:-} -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0 \
  --server.port=0 --server.address=127.0.0.1 ${SERVER_ARGS---rpc.server.call-threads=event-loop}
servers=(ours)
if has servers; then
  start go "$work/gohello" -mode=server -addr=127.0.0.1:0
  start floor "$work/gohello" -mode=floor -addr=127.0.0.1:0
  servers+=(go floor)
  # the same hello-server on NIO instead of the native transport; as a user who changes nothing
  # runs it (call-threads auto: Handler.Execute is @RpcNonBlocking, so in place); and with every
  # call handed to Boot's task executor (then the same on virtual threads)
  ours_jar=("$java" ${JAVA_OPTS:-} -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0
    --server.port=0 --server.address=127.0.0.1)
  start oursnio "${ours_jar[@]}" ${SERVER_ARGS---rpc.server.call-threads=event-loop} --rpc.server.transport=nio
  start oursdefault "${ours_jar[@]}"
  start ourstask "${ours_jar[@]}" --rpc.server.call-threads=task-executor
  servers+=(oursnio oursdefault ourstask)
  if [ "${java_major%%.*}" -ge 21 ]; then
    start oursvirtual "${ours_jar[@]}" --rpc.server.call-threads=task-executor --spring.threads.virtual.enabled=true
    servers+=(oursvirtual)
  fi
fi
if has tls; then
certs=$("$java" -cp "$classpath" io.hellorpc.jsonrpc.bench.MakeCertificates)
go_tls=(-ca="$certs/ca.crt" -cert="$certs/client.crt" -key="$certs/client.key")
# tls_server NAME PROVIDER KEY: hello-server behind mutual TLS on the JDK's provider or OpenSSL
# (BoringSSL), with the ECDSA P-256 (server) or RSA-2048 (server-rsa) certificate
tls_server() {
  start "$1" "$java" ${JAVA_OPTS:-} -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0 \
    --server.port=0 --server.address=127.0.0.1 ${SERVER_ARGS---rpc.server.call-threads=event-loop} \
    --rpc.server.ssl.bundle=bench --rpc.server.ssl.client-auth=need --rpc.server.ssl.provider="$2" \
    --spring.ssl.bundle.pem.bench.keystore.certificate="file:$certs/$3.crt" \
    --spring.ssl.bundle.pem.bench.keystore.private-key="file:$certs/$3.key" \
    --spring.ssl.bundle.pem.bench.truststore.certificate="file:$certs/ca.crt"
}
tls_server jdktls jdk server
tls_server openssltls openssl server
tls_server jdkrsatls jdk server-rsa
tls_server opensslrsatls openssl server-rsa
start gotls "$work/gohello" -mode=server -addr=127.0.0.1:0 -cert="$certs/server.crt" -key="$certs/server.key" -ca="$certs/ca.crt"
start gorsatls "$work/gohello" -mode=server -addr=127.0.0.1:0 -cert="$certs/server-rsa.crt" -key="$certs/server-rsa.key" -ca="$certs/ca.crt"
servers+=(jdktls openssltls jdkrsatls opensslrsatls gotls gorsatls)
fi
if has fleet; then
  # three replicas, one RPC port: the first binds port 0 on 127.0.0.2, the others take the port it got
  replicas=(r2 r3 r4)
  replica() { # NAME HOST PORT
    launch "$1" "$java" ${JAVA_OPTS:-} -jar hello-server/target/hello-server.jar --rpc.server.host="$2" --rpc.server.port="$3" \
      --server.port=0 --server.address="$2" ${SERVER_ARGS---rpc.server.call-threads=event-loop}
    printf -v "HOST_$1" '%s' "$2"
  }
  replica r2 127.0.0.2 0
  await r2
  fleet_port=$PORT_r2
  replica r3 127.0.0.3 "$fleet_port"
  replica r4 127.0.0.4 "$fleet_port"
  await r3; await r4
  for r in "${replicas[@]}"; do
    port="PORT_$r"
    [ "${!port}" = "$fleet_port" ] || { echo "perf: $r listens on ${!port}, not $fleet_port" >&2; exit 1; }
    http_port "$r"
  done
  HOST_ours=127.0.0.1
  http_port ours
  # one name, three addresses, as a headless Service or Docker's DNS answers
  printf '127.0.0.2 hello-fleet\n127.0.0.3 hello-fleet\n127.0.0.4 hello-fleet\n' >"$work/fleet.hosts"
fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
field() { grep -oE "\"$2\":[0-9.]+" <<<"$1" | cut -d: -f2; }

# drive CLIENT SERVER CONNS INFLIGHT: warm-up, then a measured run;
# prints "calls/s p50 p99 server_cpu_us_per_call client_cpu_us_per_call errors".
# CLIENT: go (Go's jsonrpc.Client) or BUILD:MODE[:io=IO] of RpcTemplateLoad (a bare MODE is shared:MODE).
# With CALLS set, each run makes that many calls and nothing is timed (the smoke test's mode).
drive() {
  local client=$1 server=$2 conns=$3 inflight=$4
  local port="PORT_$server" pid="PID_$server"
  port=${!port}; pid=${!pid}
  local t0 out cpu_scale=1
  if [ "$client" = go ]; then
    local cmd=(taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:$port" -conns="$conns" -inflight="$inflight" -warmup=0s)
    [[ $server == *tls ]] && cmd+=("${go_tls[@]}")
    if [ -n "${CALLS:-}" ]; then
      t0=$(ticks "$pid")
      out=$("${cmd[@]}" -duration=10m -maxcalls="$CALLS")
    else
      "${cmd[@]}" -duration="${warm}s" >/dev/null
      t0=$(ticks "$pid")
      out=$("${cmd[@]}" -duration="${secs}s")
    fi
  else
    [[ $client == *:* ]] || client="shared:$client"
    local build mode io
    IFS=: read -r build mode io <<<"$client"
    local jvm=(${CLIENT_JAVA_OPTS:-})
    [ -n "$io" ] && jvm+=("-Drpc.client.${io}")
    local cmd=(taskset -c "$load_cpu" "$java" "${jvm[@]}" -cp "$classpath" io.hellorpc.jsonrpc.bench.RpcTemplateLoad 127.0.0.1 "$port" "$conns" "$inflight")
    if [ -n "${CALLS:-}" ]; then
      t0=$(ticks "$pid")
      out=$("${cmd[@]}" 0 600 "$CALLS" "$mode" "$build")
    else
      # the JVM's own warm-up happens inside the run: ticks are read 0.5 s into its measured window,
      # which it announces on stderr (however long its start, a Spring context's included)
      rm -f "$work/load.err"
      "${cmd[@]}" "$jit_warm" "$secs" 50000000 "$mode" "$build" >"$work/load.out" 2>"$work/load.err" &
      local load=$!
      while kill -0 "$load" 2>/dev/null && ! grep -qs '^measuring$' "$work/load.err"; do sleep 0.05; done
      sleep 0.5
      t0=$(ticks "$pid")
      wait $load
      grep -h '^first error:' "$work/load.err" | sed "s/^/perf: $client at $conns x $inflight: /" >&2 || true
      out=$(cat "$work/load.out")
      cpu_scale=$(awk -v s="$secs" 'BEGIN {print (s - 0.5) / s}')
    fi
  fi
  local t1; t1=$(ticks "$pid")
  fields "$out" "$((t1 - t0))" "$cpu_scale"
}
# fields JSON SERVER_TICKS [SCALE]: a load program's JSON line and the server's CPU ticks meanwhile
# (over SCALE of its window) as "calls/s p50 p99 server_cpu_us_per_call client_cpu_us_per_call errors"
fields() {
  awk -v cps="$(field "$1" callsPerSec)" -v p50="$(field "$1" p50us)" -v p99="$(field "$1" p99us)" \
      -v dt="$2" -v hz="$hz" -v n="$(field "$1" calls)" -v scale="${3:-1}" \
      -v ccpu="$(field "$1" clientCpuUsPerCall)" -v err="$(field "$1" errors)" \
      'BEGIN { printf "%.0f %.0f %.0f %.1f %.1f %d\n", cps, p50, p99, (n > 0 ? dt / hz * 1e6 / (n * scale) : 0), ccpu, err }'
}

# paired BUILD:MODE[:io=IO] SERVER CONNS INFLIGHT: RpcTemplateLoad's JVM warmed once, then $pairs
# slices of Go's client (drive go: its warm-up, then its run) and of RpcTemplateLoad in turn, each
# right after the other, so that a machine whose speed drifts (shared, noisy) moves both alike.
# Prints a line a slice: "GO_FIELDS|OURS_FIELDS" (drive's six fields each).
paired() {
  local client=$1 server=$2 conns=$3 inflight=$4
  local port="PORT_$server" pid="PID_$server"
  port=${!port}; pid=${!pid}
  [[ $client == *:* ]] || client="shared:$client"
  local build mode io
  IFS=: read -r build mode io <<<"$client"
  # a JVM that died makes the cue's write fail, not kill this shell: until_line then says why
  trap '' PIPE
  # each slice warms up first, as Go's run does (smoke mode: a tenth of a second, only to take that path)
  local jvm=(${CLIENT_JAVA_OPTS:-} -Dslices="$pairs" -DsliceWarmup="$([ -n "${CALLS:-}" ] && echo 0.1 || echo "$warm")")
  [ -n "$io" ] && jvm+=("-Drpc.client.${io}")
  local run=("$jit_warm" "$secs" 50000000)
  [ -n "${CALLS:-}" ] && run=(0 600 "$CALLS")
  # cues in, replies out through FIFOs, read blocking: nothing polls while a slice is measured
  local cues="$work/load.in" replies="$work/load.replies"
  rm -f "$cues" "$replies" "$work/load.err"
  mkfifo "$cues" "$replies"
  taskset -c "$load_cpu" "$java" "${jvm[@]}" -cp "$classpath" io.hellorpc.jsonrpc.bench.RpcTemplateLoad 127.0.0.1 "$port" \
    "$conns" "$inflight" "${run[@]}" "$mode" "$build" <"$cues" >"$replies" 2>"$work/load.err" &
  local load=$!
  exec 7>"$cues" 8<"$replies"
  local i go t0 t1 out
  for i in $(seq 1 "$pairs"); do
    until_line "^ready$" "$client" "$i" >/dev/null
    go=$(drive go "$server" "$conns" "$inflight")
    echo go 2>/dev/null >&7 || true
    until_line "^measuring$" "$client" "$i" >/dev/null
    t0=$(ticks "$pid")
    out=$(until_line "^[{]" "$client" "$i")
    t1=$(ticks "$pid")
    echo "$go|$(fields "$out" "$((t1 - t0))")"
  done
  exec 7>&- 8<&-
  wait "$load" || { echo "perf: RpcTemplateLoad ($client) failed:"; cat "$work/load.err"; exit 1; } >&2
  rm -f "$cues" "$replies"
  grep -h '^first error:' "$work/load.err" | sed "s/^/perf: $client at $conns x $inflight: /" >&2 || true
}
# until_line REGEX CLIENT SLICE: reads RpcTemplateLoad's replies (fd 8) up to a line matching REGEX, prints it
until_line() {
  local line
  while IFS= read -r line <&8; do
    [[ $line =~ $1 ]] && { echo "$line"; return 0; }
  done
  { echo "perf: RpcTemplateLoad ($2) ended before slice $3:"; cat "$work/load.err"; } >&2
  exit 1
}
# medians "F1 .. F6" lines on stdin: the median of each column (errors: the sum)
medians() {
  awk '{ for (c = 1; c <= 6; c++) v[c, NR] = $c } END {
    for (c = 1; c <= 6; c++) {
      if (c == 6) { s = 0; for (r = 1; r <= NR; r++) s += v[c, r]; break }
      for (r = 1; r <= NR; r++) a[r] = v[c, r]
      for (r = 2; r <= NR; r++) { x = a[r]; k = r - 1; while (k >= 1 && a[k] > x) { a[k + 1] = a[k]; k-- } a[k + 1] = x }
      m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
      f[c] = m
    }
    printf "%.0f %.0f %.0f %.1f %.1f %d\n", f[1], f[2], f[3], f[4], f[5], s }'
}
# paired_ratio LOAD LABEL "GO|OURS" lines: calls/s, p50, p99 and client CPU of ours over Go's, slice
# by slice: the median of the slices' ratios, their range in brackets
paired_ratio() {
  awk -F'|' -v l="$1" -v label="$2" '{
      split($1, g, " "); split($2, o, " "); n++
      r[1, n] = (g[1] > 0) ? o[1] / g[1] : 0; r[2, n] = (g[2] > 0) ? o[2] / g[2] : 0
      r[3, n] = (g[3] > 0) ? o[3] / g[3] : 0; r[4, n] = (g[5] > 0) ? o[5] / g[5] : 0 }
    END {
      line = sprintf("| %s | **%s** |", l, label)
      for (c = 1; c <= 4; c++) {
        for (i = 1; i <= n; i++) a[i] = r[c, i]
        for (i = 2; i <= n; i++) { x = a[i]; k = i - 1; while (k >= 1 && a[k] > x) { a[k + 1] = a[k]; k-- } a[k + 1] = x }
        m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        line = line sprintf(" **%.2f** (%.2f-%.2f) |", m, a[1], a[n])
      }
      print line }'
}

# handshakes SERVER: 4 Go clients opening TLS connections (one call each) as fast as they go;
# prints "handshakes/s server_cpu_us_per_handshake client_cpu_us_per_handshake errors".
handshakes() {
  local port="PORT_$1" pid="PID_$1"
  port=${!port}; pid=${!pid}
  local cmd=(taskset -c "$load_cpu" "$work/gohello" -mode=handshakes -addr="127.0.0.1:$port" -conns=4 -warmup=0s "${go_tls[@]}")
  local t0 out
  if [ -n "${CALLS:-}" ]; then
    t0=$(ticks "$pid")
    out=$("${cmd[@]}" -duration=10m -maxcalls="$CALLS")
  else
    # the handshake path has its own code to warm up (key exchange, signatures, certificate checks)
    "${cmd[@]}" -duration="${jit_warm}s" >/dev/null
    t0=$(ticks "$pid")
    out=$("${cmd[@]}" -duration="${secs}s")
  fi
  local t1; t1=$(ticks "$pid")
  awk -v hps="$(field "$out" handshakesPerSec)" -v n="$(field "$out" handshakes)" -v dt="$((t1 - t0))" -v hz="$hz" \
      -v ccpu="$(field "$out" clientCpuUsPerHandshake)" -v err="$(field "$out" errors)" \
      'BEGIN { printf "%.0f %.0f %.0f %d\n", hps, (n > 0 ? dt / hz * 1e6 / n : 0), ccpu, err }'
}

row() { # LOAD LABEL "cps p50 p99 server_cpu client_cpu err"
  read -r cps p50 p99 scpu ccpu err <<<"$3"
  printf '| %s | %s | %s | %s | %s | %s |%s\n' "$1" "$2" "$cps" "$p50" "$p99" "$scpu" "$([ "$err" != 0 ] && echo " $err errors" || true)"
}
client_row() { # LOAD LABEL "cps p50 p99 server_cpu client_cpu err"
  read -r cps p50 p99 scpu ccpu err <<<"$3"
  printf '| %s | %s | %s | %s | %s | %s | %s |%s\n' "$1" "$2" "$cps" "$p50" "$p99" "$ccpu" "$scpu" "$([ "$err" != 0 ] && echo " $err errors" || true)"
}
ratio() { # LOAD LABEL "ours" "go" CPU_COLUMN (4 = server CPU, 5 = client CPU)
  read -r -a x <<<"$3"; read -r -a y <<<"$4"
  local k=$(( $5 - 1 ))
  awk -v l="$1" -v label="$2" -v c1="${x[0]}" -v c2="${y[0]}" -v a1="${x[1]}" -v a2="${y[1]}" -v b1="${x[2]}" -v b2="${y[2]}" \
      -v u1="${x[$k]}" -v u2="${y[$k]}" \
    'function r(x, y) { return y > 0 ? sprintf("%.2f", x / y) : "-" }
     BEGIN { printf "| %s | **%s** | **%s** | **%s** | **%s** | **%s** |\n", l, label, r(c1, c2), r(a1, a2), r(b1, b2), r(u1, u2) }'
}

# requests NAME...: each hello-server's calls answered so far (rpc_server_requests_seconds_count,
# all methods and outcomes, from its /actuator/prometheus), one number each
requests() {
  local name host http
  for name in "$@"; do
    host="HOST_$name"; http="HTTP_$name"
    curl -fsS --max-time 60 "http://${!host}:${!http}/actuator/prometheus" \
      | awk '/^rpc_server_requests_seconds_count[{ ]/ { n += $NF } END { printf "%d ", n }'
  done
}
cpu_ticks() { # PID...: their CPU ticks, summed
  local sum=0 pid
  for pid in "$@"; do sum=$(( sum + $(ticks "$pid") )); done
  echo "$sum"
}

# drive_fleet TARGET BALANCER TEMPLATES INFLIGHT SERVER...: FleetLoad's warm-up, then its measured
# run against TARGET (HOST:PORT; the name resolves through $work/fleet.hosts), the SERVERs being those
# the name leads to; prints "calls/s p50 p99 server_cpu_us_per_call client_cpu_us_per_call errors
# SHARE..." (each SERVER's share of the calls in the measured window, in %, in the order given).
# With CALLS set, each run makes that many calls and nothing is timed; the shares count the whole run.
drive_fleet() {
  local target=$1 balancer=$2 templates=$3 inflight=$4; shift 4
  local names=("$@") spids=() name pid before after t0 t1 out cpu_scale=1
  for name in "${names[@]}"; do pid="PID_$name"; spids+=("${!pid}"); done
  local cmd=(taskset -c "$load_cpu" "$java" ${CLIENT_JAVA_OPTS:-} -Djdk.net.hosts.file="$work/fleet.hosts"
    -cp "$classpath" io.hellorpc.jsonrpc.bench.FleetLoad "$target" "$templates" "$inflight")
  if [ -n "${CALLS:-}" ]; then
    before=$(requests "${names[@]}")
    t0=$(cpu_ticks "${spids[@]}")
    out=$("${cmd[@]}" 0 600 "$CALLS" "$balancer" "$fleet_threads" 2>"$work/fleet.err") \
      || { echo "perf: FleetLoad $target $balancer failed:"; cat "$work/fleet.err"; exit 1; } >&2
  else
    # as drive: the counts and ticks are read 0.5 s into the measured window, which FleetLoad announces
    rm -f "$work/fleet.err"
    "${cmd[@]}" "$jit_warm" "$secs" 50000000 "$balancer" "$fleet_threads" >"$work/fleet.out" 2>"$work/fleet.err" &
    local load=$!
    while kill -0 "$load" 2>/dev/null && ! grep -qs '^measuring$' "$work/fleet.err"; do sleep 0.05; done
    sleep 0.5
    t0=$(cpu_ticks "${spids[@]}")
    before=$(requests "${names[@]}")
    wait $load || { echo "perf: FleetLoad $target $balancer failed:"; cat "$work/fleet.err"; exit 1; } >&2
    out=$(cat "$work/fleet.out")
    cpu_scale=$(awk -v s="$secs" 'BEGIN {print (s - 0.5) / s}')
  fi
  t1=$(cpu_ticks "${spids[@]}")   # the load has ended: the counts hold still
  after=$(requests "${names[@]}")
  grep -h '^first error:' "$work/fleet.err" | sed "s/^/perf: fleet $target $balancer: /" >&2 || true
  # the raw figures, to check a row by
  echo "$target $balancer $templates x $inflight: requests $before-> $after, CPU ticks $t0 -> $t1, $out" >>"$work/fleet-raw.log"
  awk -v cps="$(field "$out" callsPerSec)" -v p50="$(field "$out" p50us)" -v p99="$(field "$out" p99us)" \
      -v dt="$((t1 - t0))" -v hz="$hz" -v n="$(field "$out" calls)" -v scale="$cpu_scale" \
      -v ccpu="$(field "$out" clientCpuUsPerCall)" -v err="$(field "$out" errors)" -v before="$before" -v after="$after" \
      'BEGIN { printf "%.0f %.0f %.0f %.1f %.1f %d", cps, p50, p99, (n > 0 ? dt / hz * 1e6 / (n * scale) : 0), ccpu, err
               k = split(before, b, " "); split(after, a, " "); total = 0
               for (i = 1; i <= k; i++) total += a[i] - b[i]
               for (i = 1; i <= k; i++) printf " %.0f", (total > 0 ? 100 * (a[i] - b[i]) / total : 0)
               printf "\n" }'
}
fleet_row() { # LOAD LABEL "cps p50 p99 server_cpu client_cpu err SHARE..." "ONE_REPLICA_ROW" SERVER...
  local load=$1 label=$2 x=$3 y=$4; shift 4
  local hosts=() name host
  for name in "$@"; do host="HOST_$name"; hosts+=("${!host}"); done
  awk -v l="$load" -v label="$label" -v x="$x" -v y="$y" -v hosts="${hosts[*]}" \
    'function r(a, b) { return b > 0 ? sprintf("%.2f", a / b) : "-" }
     BEGIN { split(x, v, " "); split(y, o, " "); k = split(hosts, h, " ")
             shares = ""
             for (i = 1; i <= k; i++) shares = shares (i > 1 ? ", " : "") h[i] " " v[6 + i] " %"
             printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%s\n", l, label, v[1], v[2], v[3],
               r(v[1], o[1]), r(v[3], o[3]), v[4], v[5], shares, (v[6] != 0 ? " " v[6] " errors" : "") }'
}
# stall PID: from now until killed, the process is stopped (SIGSTOP) for SLOW_STOP_MS of every
# SLOW_STOP_MS + SLOW_RUN_MS, as CFS bandwidth control throttles a container at its CPU limit; it is
# left running when the stall ends
stall() {
  local pid=$1 fd
  local stop_s run_s
  stop_s=$(awk -v ms="${SLOW_STOP_MS:-75}" 'BEGIN {printf "%.3f", ms / 1000}')
  run_s=$(awk -v ms="${SLOW_RUN_MS:-25}" 'BEGIN {printf "%.3f", ms / 1000}')
  exec {fd}<> <(:)   # a pipe that never delivers: read -t on it sleeps without a fork
  trap 'kill -CONT "$pid" 2>/dev/null; exit 0' TERM
  while kill -STOP "$pid" 2>/dev/null; do
    read -r -t "$stop_s" -u "$fd" _ || true
    kill -CONT "$pid" 2>/dev/null || exit 0
    read -r -t "$run_s" -u "$fd" _ || true
  done
}

for s in "${servers[@]}"; do
  port="PORT_$s"
  if [ -n "${CALLS:-}" ]; then warm_args=(-duration=10m -maxcalls="$CALLS"); else warm_args=(-duration="${jit_warm}s"); fi
  [[ $s == *tls ]] && warm_args+=("${go_tls[@]}")
  taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="127.0.0.1:${!port}" -conns=4 -inflight=16 -warmup=0s "${warm_args[@]}" >/dev/null
done

echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); server on CPU $server_cpu, load on CPU $load_cpu"
if [ -n "${CALLS:-}" ]; then
  echo "Smoke mode: ${CALLS} calls a row, no warm-up; the figures mean nothing"
else
  echo "Each server warmed ${jit_warm} s at 4 x 16 first; then ${secs} s a row after ${warm} s of the same load (a Java client's JVM: ${jit_warm} s once, then ${warm} s before each of its slices)"
fi
echo "hello-server on: $("$java" -version 2>&1 | head -1) ${JAVA_OPTS:-} ${SERVER_ARGS---rpc.server.call-threads=event-loop}"
if has servers; then
echo
echo "Servers, driven by Go's jsonrpc.Client"
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
  ratio "$conns x $inflight" "ours / Go" "$ours" "$go" 4
  ratio "$conns x $inflight" "ours / floor" "$ours" "$floor" 4
  nio=$(drive go oursnio "$conns" "$inflight")
  row "$conns x $inflight" "hello-server, NIO" "$nio"
  ratio "$conns x $inflight" "ours native / ours NIO" "$ours" "$nio" 4
  default=$(drive go oursdefault "$conns" "$inflight")
  row "$conns x $inflight" "hello-server, default (nothing set)" "$default"
  ratio "$conns x $inflight" "default / Go" "$default" "$go" 4
  ratio "$conns x $inflight" "default / floor" "$default" "$floor" 4
  task=$(drive go ourstask "$conns" "$inflight")
  row "$conns x $inflight" "hello-server, task executor" "$task"
  ratio "$conns x $inflight" "task executor / Go" "$task" "$go" 4
  if [ -n "${PORT_oursvirtual:-}" ]; then
    virtual=$(drive go oursvirtual "$conns" "$inflight")
    row "$conns x $inflight" "hello-server, task executor on virtual threads" "$virtual"
    ratio "$conns x $inflight" "virtual / Go" "$virtual" "$go" 4
  fi
done
fi
if has clients; then
echo
echo "Clients, against hello-server: Go's jsonrpc.Client (goroutines) and RpcTemplate (CONNS templates,"
echo "INFLIGHT callers each: platform threads, virtual threads, or callAsync chains). The templates are"
echo "hand-built (no resources given), auto-configured (Spring Boot's RpcTemplateBuilder bean) or, where"
echo "the row names neither, built with one RpcClientResources shared by all. Each Java client's JVM"
echo "is warmed once, then measured in ${pairs} slices, each right after a slice of Go's client at the same"
echo "load (each after a warm-up of its own: $([ -n "${CALLS:-}" ] && echo "0.1 s" || echo "${warm} s")), so that a drift of the machine's speed moves both alike. Rows give"
echo "the slices' medians; the ratio rows the median of the slices' ratios, their range in brackets"
echo
echo "| load (conns x in flight) | client | calls/s | p50 µs | p99 µs | client CPU µs/call | server CPU µs/call |"
echo "|---|---|---|---|---|---|---|"
modes="platform async"
[ "${java_major%%.*}" -ge 21 ] && modes="platform virtual async"
all=$(for b in hand shared auto; do for m in $modes; do printf '%s:%s ' "$b" "$m"; done; done)
# smoke mode, by default: each caller kind once, each build once (a JVM start a row)
blocking=$([[ $modes == *virtual* ]] && echo virtual || echo platform)
smoke="$(for m in $modes; do printf 'shared:%s ' "$m"; done)hand:$blocking auto:$blocking"
matrix=${CLIENT_MATRIX:-$([ -n "${CALLS:-}" ] && echo "$smoke" || echo "$all")}
label() { # BUILD:MODE[:io=IO] -> the row's name (a bare MODE is shared:MODE)
  local build mode io name entry=$1
  [[ $entry == *:* ]] || entry="shared:$entry"
  IFS=: read -r build mode io <<<"$entry"
  case $build in hand) name="RpcTemplate hand-built" ;; auto) name="RpcTemplate auto-configured" ;; *) name="RpcTemplate" ;; esac
  name+=", $mode"
  [ -n "$io" ] && name+=", ${io#io=} I/O loops"
  echo "$name"
}
for load in $loads; do
  conns=${load%x*}; inflight=${load#*x}
  for round in $(seq 1 "$rounds"); do
    suffix=$([ "$rounds" -gt 1 ] && echo " (round $round)" || true)
    for entry in $matrix; do
      slices=$(paired "$entry" ours "$conns" "$inflight")
      client_row "$conns x $inflight" "Go jsonrpc.Client, beside $(label "$entry")$suffix" "$(cut -d'|' -f1 <<<"$slices" | medians)"
      client_row "$conns x $inflight" "$(label "$entry")$suffix" "$(cut -d'|' -f2 <<<"$slices" | medians)"
      paired_ratio "$conns x $inflight" "$(label "$entry") / Go (calls/s, p50, p99, client CPU)" <<<"$slices"
    done
  done
done
[ "${java_major%%.*}" -ge 21 ] || echo "(no virtual-thread rows: $java is Java $java_major; they need 21+)"
fi
if has dialects; then
echo
echo "Dialects, against hello-server through RpcTemplate's callAsync: Go's 1.0 dialect, JSON-RPC 2.0,"
echo "and JSON-RPC 2.0 batches of 16 calls (calls/s and CPU per call count each call of a batch)"
echo
echo "| load (conns x in flight) | messages | calls/s | p50 µs | p99 µs | client CPU µs/call | server CPU µs/call |"
echo "|---|---|---|---|---|---|---|"
dialect_load=${DIALECT_LOAD:-4x16}
conns=${dialect_load%x*}; inflight=${dialect_load#*x}
go1=$(drive async ours "$conns" "$inflight")
client_row "$conns x $inflight" "1.0 (Go's dialect), one call each" "$go1"
v2=$(drive async-2 ours "$conns" "$inflight")
client_row "$conns x $inflight" "2.0, one call each" "$v2"
b16=$(drive batch-16 ours "$conns" "$inflight")
client_row "$conns x $inflight" "2.0, batches of 16" "$b16"
ratio "$conns x $inflight" "2.0 / 1.0 (calls/s, p50, p99, server CPU)" "$v2" "$go1" 4
ratio "$conns x $inflight" "batch of 16 / single 2.0 (calls/s, p50, p99, server CPU)" "$b16" "$v2" 4
fi
if has tls; then
echo
echo "TLS: mutual TLS 1.3, Go's jsonrpc.Client over crypto/tls driving every server; hello-server on the"
echo "JDK's provider and on OpenSSL (BoringSSL, netty-tcnative); ECDSA P-256 certificates, RSA-2048 for the"
echo "RSA handshake rows"
echo
echo "| load (conns x in flight) | server | calls/s | p50 µs | p99 µs | server CPU µs/call |"
echo "|---|---|---|---|---|---|"
tls_load=${TLS_LOAD:-4x16}
conns=${tls_load%x*}; inflight=${tls_load#*x}
plain=$(drive go ours "$conns" "$inflight")
jdk=$(drive go jdktls "$conns" "$inflight")
openssl=$(drive go openssltls "$conns" "$inflight")
go=$(drive go gotls "$conns" "$inflight")
row "$conns x $inflight" "hello-server, plain TCP" "$plain"
row "$conns x $inflight" "hello-server, TLS on the JDK" "$jdk"
row "$conns x $inflight" "hello-server, TLS on OpenSSL" "$openssl"
row "$conns x $inflight" "Go net/rpc/jsonrpc, crypto/tls" "$go"
ratio "$conns x $inflight" "ours OpenSSL / Go" "$openssl" "$go" 4
ratio "$conns x $inflight" "ours JDK / Go" "$jdk" "$go" 4
ratio "$conns x $inflight" "ours OpenSSL / ours plain" "$openssl" "$plain" 4
echo
echo "| new TLS connections (4 clients, one call each, no resumption) | handshakes/s | server CPU µs/handshake | client CPU µs/handshake |"
echo "|---|---|---|---|"
handshake_row() { # LABEL "hps scpu ccpu err"
  read -r hps scpu ccpu err <<<"$2"
  printf '| %s | %s | %s | %s |%s\n' "$1" "$hps" "$scpu" "$ccpu" "$([ "$err" != 0 ] && echo " $err errors" || true)"
}
handshake_ratio() { # LABEL "x..." "y..."
  read -r -a x <<<"$2"; read -r -a y <<<"$3"
  awk -v l="$1" -v h1="${x[0]}" -v h2="${y[0]}" -v c1="${x[1]}" -v c2="${y[1]}" \
    'function r(x, y) { return y > 0 ? sprintf("%.2f", x / y) : "-" }
     BEGIN { printf "| **%s** | **%s** | **%s** | |\n", l, r(h1, h2), r(c1, c2) }'
}
for key in ECDSA RSA; do
  suffix=$([ $key = RSA ] && echo rsa || true)
  hs_jdk=$(handshakes "jdk${suffix}tls"); hs_openssl=$(handshakes "openssl${suffix}tls"); hs_go=$(handshakes "go${suffix}tls")
  handshake_row "$key: hello-server, JDK" "$hs_jdk"
  handshake_row "$key: hello-server, OpenSSL" "$hs_openssl"
  handshake_row "$key: Go crypto/tls" "$hs_go"
  handshake_ratio "$key: ours OpenSSL / Go" "$hs_openssl" "$hs_go"
  handshake_ratio "$key: ours JDK / Go" "$hs_jdk" "$hs_go"
done
fi
if has fleet; then
echo
# virtual threads where the JVM has them (21+)
fleet_threads=$([ "${java_major%%.*}" -ge 21 ] && echo virtual || echo platform)
echo "Fleets: one RpcTemplate (FleetLoad: TEMPLATES x IN FLIGHT callers on $fleet_threads threads, blocking call) over"
echo "hello-fleet, a name resolving to three hello-servers on 127.0.0.2-4 with one port (jdk.net.hosts.file),"
echo "against the same template over the single hello-server on 127.0.0.1; all servers share the server CPU."
echo "The stalled replica is stopped (SIGSTOP) ${SLOW_STOP_MS:-75} ms of every $(( ${SLOW_STOP_MS:-75} + ${SLOW_RUN_MS:-25} )) ms, as a container at its CPU limit is throttled."
echo "Ratios are to the one-replica row of the same round; shares from each server's rpc_server_requests_seconds_count"
echo
echo "| load (templates x in flight) | servers, balancer | calls/s | p50 µs | p99 µs | calls/s / one | p99 / one | server CPU µs/call | client CPU µs/call | share of the calls |"
echo "|---|---|---|---|---|---|---|---|---|---|"
# each replica warmed as the single server was, alone on the server CPU (warmed side by side, three
# JVMs compiling on one CPU, the first fleet rows ran at a fraction of the later ones' speed); and
# their actuators' scrape, so that reading the counts in a row's window takes milliseconds, not seconds
if [ -n "${CALLS:-}" ]; then warm_args=(-duration=10m -maxcalls="$CALLS"); else warm_args=(-duration="${jit_warm}s"); fi
for r in "${replicas[@]}"; do
  host="HOST_$r"
  taskset -c "$load_cpu" "$work/gohello" -mode=bench -addr="${!host}:$fleet_port" -conns=4 -inflight=16 -warmup=0s "${warm_args[@]}" >/dev/null
done
for _ in $(seq 1 20); do requests ours "${replicas[@]}" >/dev/null; done
slow=${replicas[2]}
slow_pid="PID_$slow"; slow_host="HOST_$slow"
for load in ${FLEET_LOADS:-1x64}; do
  templates=${load%x*}; inflight=${load#*x}
  for round in $(seq 1 "$rounds"); do
    suffix=$([ "$rounds" -gt 1 ] && echo " (round $round)" || true)
    one=$(drive_fleet "127.0.0.1:$PORT_ours" least-pending "$templates" "$inflight" ours)
    fleet_row "$templates x $inflight" "one replica$suffix" "$one" "$one" ours
    for balancer in least-pending round-robin; do
      three=$(drive_fleet "hello-fleet:$fleet_port" "$balancer" "$templates" "$inflight" "${replicas[@]}")
      fleet_row "$templates x $inflight" "three replicas, $balancer$suffix" "$three" "$one" "${replicas[@]}"
    done
    for balancer in least-pending round-robin; do
      stall "${!slow_pid}" &
      staller=$!
      stalled=$(drive_fleet "hello-fleet:$fleet_port" "$balancer" "$templates" "$inflight" "${replicas[@]}")
      kill "$staller"; wait "$staller" || true
      kill -CONT "${!slow_pid}"
      fleet_row "$templates x $inflight" "three, ${!slow_host} stalled, $balancer$suffix" "$stalled" "$one" "${replicas[@]}"
    done
  done
done
fi
echo
for s in "${servers[@]}" ${replicas[@]+"${replicas[@]}"}; do
  pid="PID_$s"
  echo "RSS after the run, $s: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/${!pid}/status")"
done

if [ "${STARTUP:-1}" != 0 ]; then
  kill "${pids[@]}" 2>/dev/null || true
  echo
  echo "Start-up:"
  bash bench/startup.sh
fi
