#!/usr/bin/env bash
# Draws the TLS tables of a bench/perf.sh run as one SVG chart: calls/s and server CPU per call over
# mutual TLS (hello-server on the JDK's provider and on OpenSSL, Go's crypto/tls), and full
# handshakes per second with ECDSA P-256 and RSA-2048 certificates.
#   bench/chart-tls.sh FIGURES [OUT.svg|OUT.png]     (default: FIGURES with -tls.svg for its extension)
# bench/perf.sh calls it at its end on its own output. Needs gnuplot (Debian: gnuplot-nox).
set -euo pipefail
figures=${1:?usage: bench/chart-tls.sh FIGURES [OUT.svg]}
out=${2:-${figures%.*}-tls.svg}
command -v gnuplot >/dev/null || { echo "chart: gnuplot is not installed (Debian: gnuplot-nox); no chart" >&2; exit 1; }
calls=$(mktemp); shakes=$(mktemp); trap 'rm -f "$calls" "$shakes"' EXIT

# "LABEL" calls/s CPU µs/call, one line a server of the TLS calls table
awk -F'|' '
  function trim(s) { gsub(/^[ \t*]+|[ \t*]+$/, "", s); return s }
  /^\| [0-9]+ x [0-9]+ \| (hello-server, plain TCP|hello-server, TLS on the JDK|hello-server, TLS on OpenSSL|Go net\/rpc\/jsonrpc, crypto\/tls) \|/ {
    label = trim($3); sub(/^hello-server, /, "", label); sub(/net\/rpc\/jsonrpc, /, "", label)
    if (!(label in seen)) { seen[label] = 1; print "\"" label "\" " trim($4) " " trim($7) }
  }' "$figures" >"$calls"
# "KEY" handshakes/s of JDK, OpenSSL, Go
awk -F'|' '
  function trim(s) { gsub(/^[ \t*]+|[ \t*]+$/, "", s); return s }
  /^\| (ECDSA|RSA): (hello-server, JDK|hello-server, OpenSSL|Go crypto\/tls) \|/ {
    split(trim($2), k, ": "); v[k[1], k[2]] = trim($3); keys[k[1]] = 1
  }
  END { split("ECDSA RSA", order, " ")
        for (i = 1; i <= 2; i++) if (order[i] in keys)
          print "\"" order[i] "\" " v[order[i], "hello-server, JDK"] " " v[order[i], "hello-server, OpenSSL"] " " v[order[i], "Go crypto/tls"] }' "$figures" >"$shakes"
[ -s "$calls" ] && [ -s "$shakes" ] || { echo "chart: no TLS tables in $figures" >&2; exit 1; }

case $out in
  *.png) terminal='pngcairo size 1500,525 enhanced font "Helvetica,12" background "#ffffff"' ;;
  *) terminal='svg size 1200,420 dynamic enhanced font "Helvetica,13" background "#ffffff"' ;;
esac
gnuplot <<GNUPLOT
set terminal $terminal
set output "$out"
set multiplot layout 1,3 title "Mutual TLS 1.3: hello-server on the JDK's provider and on OpenSSL (BoringSSL), against Go's crypto/tls" font ",14"
set style fill solid 0.85 border -1
set grid ytics lc rgb "#dddddd"
set border 3
set xtics nomirror scale 0 font ",9"
set ytics nomirror
set yrange [0:*]
set format y "%.0s%c"
set boxwidth 0.6
unset key
set title "calls/s at 4 x 16 (higher is better)"
plot "$calls" using 0:2:xtic(1) with boxes lc rgb "#1f77b4"
set format y "%g"
set title "server CPU µs per call (lower is better)"
plot "$calls" using 0:3:xtic(1) with boxes lc rgb "#ff7f0e"
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set xrange [-0.6:1.6]
set key top right samplen 1 font ",11"
set format y "%g"
set title "full handshakes/s, 4 clients (higher is better)"
plot "$shakes" using 2:xtic(1) title "hello-server, JDK" lc rgb "#aec7e8", \
     "" using 3 title "hello-server, OpenSSL" lc rgb "#1f77b4", \
     "" using 4 title "Go crypto/tls" lc rgb "#7f7f7f"
unset multiplot
GNUPLOT
echo "$out"
