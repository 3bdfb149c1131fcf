#!/usr/bin/env bash
# Plots latency percentiles against offered load, /noop (the floor) beside /mutate, one panel per
# pod size, from a results file of bench/run.sh: bench/plot.sh RESULTS.tsv OUT.png
# Needs gnuplot (Debian: gnuplot-nox); run.sh calls it when it is installed and says so when not.
set -euo pipefail
results="$1" out="$2"
command -v gnuplot >/dev/null || { echo "bench: gnuplot not installed (apt-get install gnuplot-nox): no plot" >&2; exit 0; }
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
# One data file per size and endpoint: answered rate, p50, p90, p99, p99.9 (ms); rows sorted by rate,
# `max` rows included at the throughput they reached.
field() { awk -F'\t' -v k="$1" '{for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2)}'; }
sizes=$(field label <"$results" | sort -u)
for size in $sizes; do
  for endpoint in noop mutate; do
    awk -F'\t' -v s="$size" -v e="$endpoint" '
      { delete f; for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
      f["label"] == s && f["endpoint"] == e {
        print f["throughput"], f["p50_ms"], f["p90_ms"], f["p99_ms"], f["p99.9_ms"] }' "$results" \
      | sort -n >"$data/$size-$endpoint.dat"
  done
done
n=$(echo "$sizes" | wc -w)
{
  echo "set terminal pngcairo size 1100,$((360 * n)) font ',10'"
  echo "set output '$out'"
  echo "set multiplot layout $n,1"
  echo "set logscale xy; set grid; set key outside right top; set xlabel 'answered reviews/s'; set ylabel 'latency ms (log)'"
  for size in $sizes; do
    echo "set title '$size pod: latency percentiles against load (solid: /mutate, dashed: /noop floor)'"
    plot="plot"
    col=2
    for p in p50 p90 p99 p99.9; do
      plot="$plot '$data/$size-mutate.dat' using 1:$col with linespoints lw 2 lc $col title '$p mutate',"
      plot="$plot '$data/$size-noop.dat' using 1:$col with linespoints dt 2 lc $col title '$p noop',"
      col=$((col + 1))
    done
    echo "${plot%,}"
  done
  echo "unset multiplot"
} | gnuplot
echo "bench: plot in $out"
