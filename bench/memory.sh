#!/usr/bin/env bash
# hello-server's resident memory as its image runs it, under Go's jsonrpc.Client at 4 x 16.
# Without Docker: does what the image's build does (Boot's layers extracted, the AOT cache from a
# training start) and starts the jar with the ENTRYPOINT's JVM options and the environment
# (JDK_JAVA_OPTIONS, MALLOC_ARENA_MAX) of the Dockerfile's hello-server stage, read from it. Pinned to CPU 0, the load to CPU 1.
# Prints RSS (VmRSS) idle, its highest sample under load, at the end, and the peak (VmHWM), with
# the load's calls/s; then, side by side with hello-server's, the floor of Spring Boot itself: an
# empty web app (bench/floor/web: Spring MVC, the actuator, Micrometer's Prometheus registry) run
# the same way (the same options, extraction and AOT training), its RSS idle and after SCRAPES
# scrapes of /actuator/prometheus; then the JVM's own account (Native Memory Tracking) of a second
# run of hello-server.
#   bench/memory.sh [SECONDS] [WARMUP_SECONDS] [SCRAPES]   (default 30, 15 and 20; JAVA: a JDK 25 java)
# Needs Go (Debian: golang-go), python3, curl and taskset (util-linux).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
warm=${2:-15}
scrapes=${3:-20}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=target/bench/memory
[ -f hello-server/target/hello-server.jar ] || ./mvnw -q -B -pl hello-server -am package -DskipTests
[ -f bench/floor/web/target/floor-web.jar ] || ./mvnw -q -B -f bench/floor/web/pom.xml package
mkdir -p target/bench
(cd interop/gohello && GOPROXY=off go build -o ../../target/bench/gohello .)
rm -rf "$work" && mkdir -p "$work"
# Boot's layers of JAR into DIR, least changing first, as the image's COPY lines lay them.
layers() { # JAR DIR
  "$java" -Djarmode=tools -jar "$1" extract --layers --destination "$2.layers"
  mkdir -p "$2" && for layer in dependencies spring-boot-loader snapshot-dependencies application; do
    cp -r "$2.layers/$layer/." "$2/"
  done
}
layers hello-server/target/hello-server.jar "$work/app"
layers bench/floor/web/target/floor-web.jar "$work/floor"
# the empty app is hello-server's floor only on the same Spring Boot
boot=$(cd "$work/app/lib" && ls spring-boot-[0-9]*.jar) floor_boot=$(cd "$work/floor/lib" && ls spring-boot-[0-9]*.jar)
[ "$boot" = "$floor_boot" ] || { echo "memory: hello-server has $boot, bench/floor/web $floor_boot: rebuild them on one Spring Boot" >&2; exit 1; }
# The hello-server stage's ENTRYPOINT options (after "java", without -jar) and its ENV lines, as
# docker applies them: line 1 the options, then one NAME=VALUE a line.
image=$(python3 - <<'PY'
import json, re, shlex
stages = re.split(r'(?m)^FROM ', open('Dockerfile').read())
stage = next(s for s in stages if re.match(r'\S+ AS hello-server\s', s))
stage = stage.replace('\\\n', ' ')
entry = json.loads(re.search(r'(?m)^ENTRYPOINT (\[.*\])$', stage).group(1))
print(' '.join(a for a in entry[1:] if a not in ('-jar', 'hello-server.jar')))
for line in re.findall(r'(?m)^ENV (.*)$', stage):
    for assignment in shlex.split(line):
        print(assignment)
PY
)
read -r -a jvm_options <<<"$(head -1 <<<"$image")"
while IFS= read -r assignment; do
  [ -n "$assignment" ] && export "${assignment?}"
done < <(tail -n +2 <<<"$image")
(cd "$work/app" && "$java" -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh \
  -jar hello-server.jar --rpc.server.port=0 --server.port=0 >/dev/null 2>&1)
(cd "$work/floor" && "$java" -XX:AOTCacheOutput=app.aot -Dspring.context.exit=onRefresh \
  -jar floor-web.jar --server.port=0 >/dev/null 2>&1)
echo "hello-server as its image runs it: $("$java" -version 2>&1 | grep -v Picked | head -1); JDK_JAVA_OPTIONS=${JDK_JAVA_OPTIONS:-}; MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-}; ${jvm_options[*]}"

rss() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
# The server and the sampler of the run under way (global: the EXIT trap runs after the function's
# locals are gone); each run empties them when it has stopped them.
pid="" sampler=""
trap 'kill ${pid:+"$pid"} ${sampler:+"$sampler"} 2>/dev/null || true' EXIT
measure() { # EXTRA_JVM_OPTION... : one run; prints its line, and leaves its figures in hello_server
  local log="$work/server.log" port idle highest load
  (cd "$work/app" && exec taskset -c 0 "$java" "${jvm_options[@]}" "$@" -jar hello-server.jar \
    --rpc.server.host=127.0.0.1 --rpc.server.port=0 --server.port=0 --server.address=127.0.0.1) >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 1 3000); do
    port=$(grep -oE "listening on \S*:[0-9]+" "$log" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "memory: hello-server did not start:"; cat "$log"; exit 1; } >&2
  idle=$(rss "$pid" VmRSS)
  (while kill -0 "$pid" 2>/dev/null; do rss "$pid" VmRSS 2>/dev/null || true; sleep 0.5; done) >"$work/samples" &
  sampler=$!
  load=$(taskset -c 1 target/bench/gohello -mode=bench -addr="127.0.0.1:$port" -conns=4 -inflight=16 \
    -duration="${secs}s" -warmup="${warm}s" | tail -1)
  highest=$(sort -n "$work/samples" | tail -1 || echo 0)
  hello_server=("$((idle / 1024))" "$((highest / 1024))" "$(($(rss "$pid" VmRSS) / 1024))" "$(($(rss "$pid" VmHWM) / 1024))")
  printf '| %s MB | %s MB | %s MB | %s MB | %s |\n' "${hello_server[@]}" \
    "$(sed -E 's/.*"callsPerSec":([0-9]+).*"p99us":([0-9.]+).*/\1 calls\/s, p99 \2 µs/' <<<"$load")"
  "${AFTER:-true}" "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true; kill "$sampler" 2>/dev/null || true
  pid="" sampler=""
}
floor() { # one run of the empty web app, as hello-server's: prints its row of the table
  local log="$work/floor.log" port="" idle
  (cd "$work/floor" && exec taskset -c 0 "$java" "${jvm_options[@]}" -jar floor-web.jar \
    --server.port=0 --server.address=127.0.0.1) >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    port=$(grep -oE "Tomcat started on port [0-9]+" "$log" | grep -oE "[0-9]+$" || true)
    [ -n "$port" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "memory: the empty web app did not start:"; cat "$log"; exit 1; } >&2
  idle=$(rss "$pid" VmRSS)
  for _ in $(seq 1 "$scrapes"); do
    taskset -c 1 curl -fsS --max-time 10 -o /dev/null "http://127.0.0.1:$port/actuator/prometheus"
  done
  printf '| empty Spring Boot web app, %s scrapes of /actuator/prometheus | %s MB | %s MB | %s MB |\n' "$scrapes" \
    "$((idle / 1024))" "$(($(rss "$pid" VmRSS) / 1024))" "$(($(rss "$pid" VmHWM) / 1024))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  pid=""
}
echo
echo "| RSS idle | highest under load (4 x 16) | at the end | peak (VmHWM) | load |"
echo "|---|---|---|---|---|"
measure
echo
echo "Next to the floor of Spring Boot itself, the empty web app (bench/floor/web) run the same way:"
echo
echo "| run | RSS idle | at the end | peak (VmHWM) |"
echo "|---|---|---|---|"
printf '| hello-server, Go'"'"'s client at 4 x 16 | %s MB | %s MB | %s MB |\n' "${hello_server[0]}" "${hello_server[2]}" "${hello_server[3]}"
floor
echo
echo "The JVM's account, a second run with -XX:NativeMemoryTracking=summary, at its end (committed):"
echo
nmt() { "${java%/java}/jcmd" "$1" VM.native_memory summary | sed -nE 's/^-\s+(.+) \(reserved=[0-9]+KB, committed=([0-9]+)KB.*/| \1 | \2 KB |/p' >"$work/nmt"; }
AFTER=nmt measure -XX:NativeMemoryTracking=summary >/dev/null
echo "| JVM area | committed |"
echo "|---|---|"
sort -t'|' -k3 -n -r "$work/nmt" | head -8
