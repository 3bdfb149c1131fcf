#!/usr/bin/env bash
# Where the webhook's resident memory goes (bench/README.md, Footprint):
#   bench/nmt.sh [--no-build] [--aot] [--warmup W] [--rate N] [--seconds S] [-- extra JVM flags...]
# Starts the jar with the recommended flags and -XX:NativeMemoryTracking=summary, on Spring's
# AOT-generated wiring as in the image, then prints the NMT summary (committed MB per area) and RSS
# once idle (5 s after ready) and at the end of S seconds (30) of N typical reviews/s (1,000),
# after W seconds (10) at max rate (the JIT's work, whose compiler arenas are the start-up peak;
# --warmup 0 measures that peak instead), and LoadGen's result line for the measured phase
# (latency percentiles, rss_max). --aot: the extracted jar with the AOT cache that
# bench/startup.sh trained (bench/target/extracted, bench/target/app.aot), as the image starts.
# NMT itself costs a little memory (its own area, shown) and some CPU: compare runs of this script
# with each other.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

build=1 aot=0 warmup=10 rate=1000 seconds=30 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --aot) aot=1 ;;
    --warmup) warmup="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

prepare_bench "$build"
jar="$JAR" cache=()
if [ "$aot" = 1 ]; then
  jar="$(ls "$WORK"/extracted/*.jar 2>/dev/null | head -1 || true)"
  [ -n "$jar" ] && [ -s "$WORK/app.aot" ] || { echo "bench: run bench/startup.sh first (no AOT cache)" >&2; exit 2; }
  cache=(-XX:AOTCache="$WORK/app.aot")
fi

# One line per NMT area: "area committedMB".
nmt() {
  "$JAVA_HOME/bin/jcmd" "$PID" VM.native_memory summary scale=KB \
    | awk '/^-  *[A-Z].*\(reserved=/ { name=$0; sub(/^- */, "", name); sub(/ *\(reserved=.*/, "", name);
             c=$0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); printf "%s\t%.1f\n", name, c / 1024 }
           /^Total: / { c=$0; sub(/.*committed=/, "", c); sub(/KB.*/, "", c); printf "Total\t%.1f\n", c / 1024 }'
}

# The heap's generations as "young/old" committed KB (Serial GC's GC.heap_info: DefNew, Tenured).
generations() {
  "$JAVA_HOME/bin/jcmd" "$PID" GC.heap_info \
    | awk '/^ *DefNew/ { y=$3 } /^ *Tenured/ { o=$3 } END { gsub(/[^0-9]/, "", y); gsub(/[^0-9]/, "", o); print y "/" o }'
}

# shellcheck disable=SC2086
start_server "$WORK/nmt-server.log" "$jar" $JVM_OPTS $SPRING_AOT -XX:NativeMemoryTracking=summary "${cache[@]}" "${extra[@]}" --
wait_ready "$WORK/nmt-server.log"
[ ${#cache[@]} -eq 0 ] || require_aot_cache_mapped "$WORK/nmt-server.log"
sleep 5
nmt >"$WORK/nmt-idle.tsv"
idle_rss=$(rss_mib "$PID")
idle_heap=$(generations)
loadgen --url "https://localhost:$PORT/mutate" --body "$BENCH/reviews/typical.review.json" \
  --cacert "$CERTS/ca.crt" --rate "$rate" --warmup "$warmup" --duration "$seconds" --connections 4 --pid "$PID" >"$WORK/nmt-load.txt"
nmt >"$WORK/nmt-load.tsv"
load_rss=$(rss_mib "$PID")
load_heap=$(generations)
printf '%-28s %8s %8s\n' "area (committed MB)" idle "${rate}/s"
join -t $'\t' -a1 -e - -o 0,1.2,2.2 <(sort "$WORK/nmt-idle.tsv") <(sort "$WORK/nmt-load.tsv") \
  | sort -t $'\t' -k3 -g -r | awk -F'\t' '$2 >= 0.5 || $3 >= 0.5 { printf "%-28s %8s %8s\n", $1, $2, $3 }'
printf '%-28s %8s %8s\n' "RSS (MiB)" "$idle_rss" "$load_rss"
printf '%-28s %8s %8s\n' "heap young/old (KB)" "$idle_heap" "$load_heap"
tail -1 "$WORK/nmt-load.txt"
