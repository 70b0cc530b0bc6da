#!/usr/bin/env bash
# The finding behind platform I/O threads in the client (README, "Where the time goes"): a Netty
# ManualIoEventLoop driven by a virtual thread starves virtual-thread callers on one CPU.
# Runs bench/vthread-loop/VirtualThreadLoopStarvation.java TRIALS times per I/O handler, pinned to
# one CPU, and prints each trial; a trial with 0 answered is a starved one.
#   bench/vthread-loop.sh [TRIALS] [CALLERS] [SECONDS]   (default 5, 4 and 2)
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bench/vthread-loop.sh   (Java 21+)
set -euo pipefail
cd "$(dirname "$0")/.."
trials=${1:-5} callers=${2:-4} secs=${3:-2}
java=${JAVA:-java}
work=target/bench
mkdir -p "$work"
[ -f "$work/cp.txt" ] || ./mvnw -q -B -pl jsonrpc-tcp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$work/cp.txt" >/dev/null
for handler in epoll nio; do
  for _ in $(seq 1 "$trials"); do
    taskset -c 0 "$java" -cp "$(cat "$work/cp.txt")" bench/vthread-loop/VirtualThreadLoopStarvation.java \
      "$handler" "$callers" "$secs"
  done
done
