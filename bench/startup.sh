#!/usr/bin/env bash
# Start-up of `java -jar hello-client.jar --name=ciro` (a whole CLI run: JVM start, Spring context,
# connect, one call, exit) on JDK 17 and JDK 25, plain and with class-data sharing (JDK 17 CDS,
# JDK 25 AOT cache), next to Go's client binary; and hello-server from launch to first answered call.
# Next to hello-client's rows, the floor of Spring Boot itself: an empty Spring Boot app
# (bench/floor/cli: spring-boot-starter, one CommandLineRunner printing a line) on JDK 17 with
# java -jar, and on JDK 25 extracted with an AOT cache trained as hello-client's.
# Prints the median of RUNS runs of each. Usage: bench/startup.sh [RUNS]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
jdk17=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
jdk25=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=target/startup
fast_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

command -v hyperfine >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
[ -f hello-client/target/hello-client.jar ] && [ -f hello-server/target/hello-server.jar ] || ./mvnw -q -B package -DskipTests
[ -f bench/floor/cli/target/floor-cli.jar ] || ./mvnw -q -B -f bench/floor/cli/pom.xml package
mkdir -p "$work"
(cd interop/gohello && GOPROXY=off go build -o "../../$work/gohello" .)

# The server every client run calls, on a free port.
log="$work/server.log"
"$jdk17/bin/java" -jar hello-server/target/hello-server.jar --rpc.server.host=127.0.0.1 --rpc.server.port=0 --server.port=0 --server.address=127.0.0.1 >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
port=$(grep -oE "listening on \S*:[0-9]+" "$log" | grep -oE "[0-9]+$")
args="--name=ciro --host=127.0.0.1 --port=$port"

# Extracted jars (Boot's layout for CDS and AOT caches) and a training run for each archive.
for v in 17 25; do
  home=jdk$v; home=${!home}
  rm -rf "$work/x$v" && "$home/bin/java" -Djarmode=tools -jar hello-client/target/hello-client.jar extract --destination "$work/x$v" >/dev/null
done
"$jdk17/bin/java" -XX:ArchiveClassesAtExit="$work/x17/app.jsa" $fast_flags -jar "$work/x17/hello-client.jar" $args >/dev/null 2>&1
"$jdk25/bin/java" -XX:AOTCacheOutput="$work/x25/app.aot" $fast_flags -jar "$work/x25/hello-client.jar" $args >/dev/null 2>&1
# The empty app, extracted and trained the same way; it is the floor only on hello-client's Spring Boot.
rm -rf "$work/f25" && "$jdk25/bin/java" -Djarmode=tools -jar bench/floor/cli/target/floor-cli.jar extract --destination "$work/f25" >/dev/null
boot=$(cd "$work/x25/lib" && ls spring-boot-[0-9]*.jar) floor_boot=$(cd "$work/f25/lib" && ls spring-boot-[0-9]*.jar)
[ "$boot" = "$floor_boot" ] || { echo "startup: hello-client has $boot, bench/floor/cli $floor_boot: rebuild them on one Spring Boot" >&2; exit 1; }
"$jdk25/bin/java" -XX:AOTCacheOutput="$work/f25/app.aot" $fast_flags -jar "$work/f25/floor-cli.jar" --name=ciro >/dev/null 2>&1

hyperfine -N -w 2 -r "$runs" --export-json "$work/startup.json" \
  -n "JDK 17, java -jar" "$jdk17/bin/java -jar hello-client/target/hello-client.jar $args" \
  -n "empty Spring Boot app, JDK 17, java -jar" "$jdk17/bin/java -jar bench/floor/cli/target/floor-cli.jar --name=ciro" \
  -n "JDK 25, java -jar" "$jdk25/bin/java -jar hello-client/target/hello-client.jar $args" \
  -n "JDK 17, extracted + CDS archive" "$jdk17/bin/java -XX:SharedArchiveFile=$work/x17/app.jsa $fast_flags -jar $work/x17/hello-client.jar $args" \
  -n "JDK 25, extracted + AOT cache" "$jdk25/bin/java -XX:AOTCache=$work/x25/app.aot -jar $work/x25/hello-client.jar $args" \
  -n "empty Spring Boot app, JDK 25, extracted + AOT cache" "$jdk25/bin/java -XX:AOTCache=$work/f25/app.aot -jar $work/f25/floor-cli.jar --name=ciro" \
  -n "JDK 25, extracted + AOT cache + C1, Serial GC" "$jdk25/bin/java -XX:AOTCache=$work/x25/app.aot $fast_flags -jar $work/x25/hello-client.jar $args" \
  -n "Go client binary" "$work/gohello -mode=call -addr=127.0.0.1:$port -name=ciro" >/dev/null

# Server: launch to the first answered call (the Go client retries until it gets one).
rm -rf "$work/s25" && "$jdk25/bin/java" -Djarmode=tools -jar hello-server/target/hello-server.jar extract --destination "$work/s25" >/dev/null
# Training: a full start and one answered call, then SIGTERM; the cache is written at exit.
"$jdk25/bin/java" -XX:AOTCacheOutput="$work/s25/app.aot" -jar "$work/s25/hello-server.jar" --rpc.server.host=127.0.0.1 \
  --rpc.server.port=0 --server.port=0 --server.address=127.0.0.1 >"$work/train.log" 2>&1 &
trainer=$!
until p=$(grep -oE "listening on \S*:[0-9]+" "$work/train.log" | grep -oE "[0-9]+$"); do sleep 0.05; done
until "$work/gohello" -mode=call -addr=127.0.0.1:$p -name=train >/dev/null 2>&1; do sleep 0.05; done
kill $trainer; wait $trainer || true
server_ready() {
  local java=$1 jar=$2; shift 2
  local t0 t1 srv slog="$work/ready.log"
  t0=$(date +%s%N)
  "$java" "$@" -jar "$jar" --rpc.server.host=127.0.0.1 --rpc.server.port=0 --server.port=0 --server.address=127.0.0.1 >"$slog" 2>&1 &
  srv=$!
  until p=$(grep -oE "listening on \S*:[0-9]+" "$slog" | grep -oE "[0-9]+$"); do sleep 0.005; done
  until "$work/gohello" -mode=call -addr=127.0.0.1:$p -name=ready >/dev/null 2>&1; do sleep 0.005; done
  t1=$(date +%s%N)
  kill $srv; wait $srv 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ready17=$(for _ in $(seq 1 5); do server_ready "$jdk17/bin/java" hello-server/target/hello-server.jar; done | median)
ready25=$(for _ in $(seq 1 5); do server_ready "$jdk25/bin/java" hello-server/target/hello-server.jar; done | median)
ready25aot=$(for _ in $(seq 1 5); do server_ready "$jdk25/bin/java" "$work/s25/hello-server.jar" -XX:AOTCache="$work/s25/app.aot"; done | median)

echo
echo "| run | median | ratio to Go client |"
echo "|---|---|---|"
python3 - "$work/startup.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
go = next(r["median"] for r in results if r["command"] == "Go client binary")
for r in results:
    print(f"| {r['command']} | {r['median']*1000:.0f} ms | {r['median']/go:.1f} x |")
PY
echo "| hello-server launch to first answered call, JDK 17 | ${ready17} ms | |"
echo "| hello-server launch to first answered call, JDK 25 | ${ready25} ms | |"
echo "| hello-server launch to first answered call, JDK 25, extracted + AOT cache | ${ready25aot} ms | |"
