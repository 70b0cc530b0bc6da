#!/usr/bin/env bash
# Draws the servers table of a bench/perf.sh run (calls/s, p99 and server CPU per call of
# hello-server on the event loop, as shipped (default) and with the task-executor hand-off, Go's
# net/rpc/jsonrpc and the floor server, at each load) as one SVG chart; a server missing from the
# table is left out of its bars.
#   bench/chart.sh FIGURES [OUT.svg|OUT.png]
# FIGURES: perf.sh's output, or any Markdown holding its "Servers" table (bench/figures.md holds the
# README's); OUT defaults to FIGURES with .svg for its extension. bench/perf.sh calls it at its end
# on its own output. Needs gnuplot (Debian: gnuplot-nox).
set -euo pipefail
figures=${1:?usage: bench/chart.sh FIGURES [OUT.svg]}
out=${2:-${figures%.*}.svg}
command -v gnuplot >/dev/null || { echo "chart: gnuplot is not installed (Debian: gnuplot-nox); no chart" >&2; exit 1; }
data=$(mktemp); trap 'rm -f "$data"' EXIT

servers="hello-server (Java)|hello-server, default (nothing set)|hello-server, task executor|Go net/rpc/jsonrpc|floor (fixed reply)"
# one line a load: "LOAD" then calls/s, p99 µs, CPU µs/call of each of the servers above
awk -F'|' -v servers="$servers" '
  function trim(s) { gsub(/^[ \t*]+|[ \t*]+$/, "", s); return s }
  BEGIN { count = split(servers, s, "|"); for (j = 1; j <= count; j++) wanted[s[j]] = 1 }
  /^\| [0-9]+ x [0-9]+ \| / && (trim($3) in wanted) {
    load = trim($2); server = trim($3)
    if (!(load in seen)) { seen[load] = 1; order[++n] = load }
    key = load SUBSEP server
    if (!(key in cps)) { cps[key] = trim($4); p99[key] = trim($6); cpu[key] = trim($7) }
  }
  END {
    for (i = 1; i <= n; i++) {
      line = "\"" order[i] "\""
      for (j = 1; j <= count; j++) { k = order[i] SUBSEP s[j]; line = line " " (k in cps ? cps[k] : "NaN") " " (k in cps ? p99[k] : "NaN") " " (k in cps ? cpu[k] : "NaN") }
      print line
    }
  }' "$figures" >"$data"
[ -s "$data" ] || { echo "chart: no servers table (| LOAD | hello-server (Java) | ...) in $figures" >&2; exit 1; }

case $out in
  *.png) terminal='pngcairo size 1500,525 enhanced font "Helvetica,12" background "#ffffff"' ;;
  *) terminal='svg size 1200,420 dynamic enhanced font "Helvetica,13" background "#ffffff"' ;;
esac
loads=$(wc -l <"$data")
gnuplot <<GNUPLOT
set terminal $terminal
set xrange [-0.6:$loads - 0.4]
set output "$out"
set multiplot layout 1,3 title "hello-server (event loop, as shipped, task executor) against Go's net/rpc/jsonrpc and a floor server (fixed reply), driven by Go's jsonrpc.Client" font ",14"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics lc rgb "#dddddd"
set border 3
set xtics nomirror scale 0
set ytics nomirror
set yrange [0:*]
set key top left reverse Left samplen 1 font ",11"
set xlabel "load (connections x calls in flight)"
set format y "%.0s%c"
set title "calls/s (higher is better)"
set offsets 0, 0, graph 0.5, 0
plot "$data" using 2:xtic(1) title "hello-server, event loop" lc rgb "#1f77b4", \
     "" using 5 title "hello-server, as shipped" lc rgb "#2ca02c", \
     "" using 8 title "hello-server, task executor" lc rgb "#98df8a", \
     "" using 11 title "Go net/rpc/jsonrpc" lc rgb "#7f7f7f", \
     "" using 14 title "floor (fixed reply)" lc rgb "#c7c7c7"
unset key
set offsets 0, 0, 0, 0
set format y "%g"
set title "p99 latency, µs (lower is better)"
plot "$data" using 3:xtic(1) lc rgb "#1f77b4", "" using 6 lc rgb "#2ca02c", "" using 9 lc rgb "#98df8a", \
     "" using 12 lc rgb "#7f7f7f", "" using 15 lc rgb "#c7c7c7"
set title "server CPU per call, µs (lower is better)"
plot "$data" using 4:xtic(1) lc rgb "#1f77b4", "" using 7 lc rgb "#2ca02c", "" using 10 lc rgb "#98df8a", \
     "" using 13 lc rgb "#7f7f7f", "" using 16 lc rgb "#c7c7c7"
unset multiplot
GNUPLOT
echo "chart: $out" >&2
