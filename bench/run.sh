#!/usr/bin/env bash
# kwar's benchmark (issue 3, docs/performance.md). From the repository root:
#
#     bench/run.sh
#
# 1. builds the release binaries (kwar and the crates/kwar_bench tools);
# 2. generates the ~1k, ~10k and ~100k object corpora from ../shared/corpus into
#    bench-out/corpus-<size> unless they exist (kwar-bench-corpus, deterministic);
# 3. for each size, measures `kwar scan <dir> --format json -o <file> --fail-on never` and
#    the parse-only pass (kwar-parse-only: same reader, no inventory, checks or report):
#    wall time and peak RSS, median of BENCH_RUNS runs (3), after one warm-up read;
# 4. generates a cluster snapshot bundle with BENCH_SNAPSHOT_PODS pods (kwar-bench-snapshot,
#    deterministic; 0 skips it) and measures `kwar scan <bundle>` the same way (issue 4:
#    a 10k-pod snapshot reviewed in <= 3 s on 2 cores);
# 5. prints a table and writes bench-out/results.json, with the scaling ratios and the
#    checks+inventory overhead the targets of issue 3 are stated in, and the snapshot figures.
#
# Environment: BENCH_SIZES (default "1k 10k 100k"), BENCH_RUNS (default 3), BENCH_SNAPSHOT_PODS
# (default 10000), KWAR_CORPUS (the shared corpus, default ../shared/corpus). Peak RSS comes from GNU time (`/usr/bin/time -v`;
# installed with apt-get when missing and running as root), else from polling
# /proc/<pid>/status VmHWM every 20 ms.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench-out
SIZES=${BENCH_SIZES:-1k 10k 100k}
RUNS=${BENCH_RUNS:-3}
mkdir -p "$OUT/runs"

log() { printf '%s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------
GNU_TIME=""
if /usr/bin/time -v true >/dev/null 2>&1; then
    GNU_TIME=/usr/bin/time
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing GNU time (apt-get install time)"
    if (apt-get install -y -qq time >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq time >/dev/null 2>&1; }) &&
        /usr/bin/time -v true >/dev/null 2>&1; then
        GNU_TIME=/usr/bin/time
    fi
fi
[ -n "$GNU_TIME" ] || log "GNU time unavailable: peak RSS is sampled from /proc every 20 ms"

log "building release binaries"
cargo build --release -q -p kwar -p kwar_bench
KWAR=$ROOT/target/release/kwar
PARSE_ONLY=$ROOT/target/release/kwar-parse-only
CORPUS_GEN=$ROOT/target/release/kwar-bench-corpus
SNAPSHOT_GEN=$ROOT/target/release/kwar-bench-snapshot
SNAPSHOT_PODS=${BENCH_SNAPSHOT_PODS:-10000}

# --- measuring ---------------------------------------------------------------------------
# measure LOG CMD...: runs CMD (stdout to LOG.out), prints "<wall s> <peak RSS KiB> <CPU s>"
# (CPU = user + system; "nan" without GNU time).
measure() {
    local log=$1
    shift
    if [ -n "$GNU_TIME" ]; then
        "$GNU_TIME" -v -o "$log.time" "$@" >"$log.out" 2>"$log.err" || true
        local wall rss cpu
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log.time")
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log.time")
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$log.time")
        echo "$wall $rss $cpu"
    else
        local start end pid hwm=0 v
        start=$(date +%s.%N)
        "$@" >"$log.out" 2>"$log.err" &
        pid=$!
        while kill -0 "$pid" 2>/dev/null; do
            v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
            [ -n "$v" ] && [ "$v" -gt "$hwm" ] && hwm=$v
            sleep 0.02
        done
        wait "$pid" || true
        end=$(date +%s.%N)
        echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') $hwm nan"
    fi
}

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# json_field FILE KEY: the first numeric value of "KEY": in FILE
json_field() { grep -o "\"$2\":[0-9][0-9.]*" "$1" | head -1 | cut -d: -f2; }

# series NAME LOG CMD...: BENCH_RUNS measured runs; prints
# "<median wall> <median RSS KiB> <median CPU s> <all walls>"
series() {
    local name=$1 log=$2
    shift 2
    local walls=() rsss=() cpus=() i w r c
    for i in $(seq 1 "$RUNS"); do
        read -r w r c < <(measure "$log.$i" "$@")
        walls+=("$w")
        rsss+=("$r")
        cpus+=("$c")
        log "  $name run $i: $w s wall, $c s CPU, $((r / 1024)) MiB peak RSS"
    done
    echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${rsss[@]}" | median)" \
        "$(printf '%s\n' "${cpus[@]}" | median) ${walls[*]}"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "n/a"; }

# --- the fixed base: an empty input ----------------------------------------------------
EMPTY=$OUT/empty
mkdir -p "$EMPTY"
log "base: kwar scan of an empty directory"
read -r BASE_WALL BASE_RSS _ _ < <(series base "$OUT/runs/base" \
    "$KWAR" scan "$EMPTY" --format json -o "$OUT/runs/base.json" --fail-on never)

# --- per size ----------------------------------------------------------------------------
ROWS=()
JSON_ROWS=()
LOAD_START=$(loadavg)
if awk -v l="${LOAD_START%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    log "warning: load average $LOAD_START on $(nproc) CPUs: other processes will inflate wall times"
fi
for size in $SIZES; do
    dir=$OUT/corpus-$size
    if [ ! -f "$dir/.kwar-bench.json" ]; then
        log "generating $dir"
        "$CORPUS_GEN" --size="$size" --out="$dir" --force
    fi
    log "== $size: warm-up read"
    find "$dir" -type f -print0 | xargs -0 cat >/dev/null

    log "kwar scan"
    report=$OUT/runs/scan-$size.json
    read -r S_WALL S_RSS S_CPU S_ALL < <(series scan "$OUT/runs/scan-$size" \
        "$KWAR" scan "$dir" --format json -o "$report" --fail-on never)
    log "parse only"
    read -r P_WALL P_RSS P_CPU P_ALL < <(series parse "$OUT/runs/parse-$size" "$PARSE_ONLY" --json "$dir")

    objects=$(json_field "$report" objects)
    bytes=$(json_field "$report" bytes)
    inputs=$(json_field "$report" inputs)
    findings=$(($(grep -c '^{"' "$report" || true) - 1))
    errors=$(grep -o '"errors":\[[^]]*\]' "$report" | head -1 | grep -c '"file"' || true)
    p_objects=$(json_field "$OUT/runs/parse-$size.1.out" objects)
    if [ "$objects" != "$p_objects" ]; then
        log "warning: kwar scan saw $objects objects, the parse-only pass $p_objects"
    fi
    row=$(awk -v size="$size" -v o="$objects" -v b="$bytes" -v sw="$S_WALL" -v sr="$S_RSS" \
        -v pw="$P_WALL" -v pr="$P_RSS" -v sc="$S_CPU" -v pc="$P_CPU" 'BEGIN {
        printf "%s %d %.1f %.2f %.0f %.1f %.0f %.2f %.0f %.1f %+.0f %s %s",
            size, o, b / 1e6, sw, sr / 1024, b / 1e6 / sw, o / sw, pw, pr / 1024, b / 1e6 / pw,
            (sw / pw - 1) * 100, sc, pc }')
    ROWS+=("$row")
    JSON_ROWS+=("$(awk -v size="$size" -v o="$objects" -v b="$bytes" -v i="$inputs" \
        -v f="$findings" -v e="$errors" -v sw="$S_WALL" -v sr="$S_RSS" -v sa="$S_ALL" \
        -v pw="$P_WALL" -v pr="$P_RSS" -v pa="$P_ALL" -v sc="$S_CPU" -v pc="$P_CPU" 'BEGIN {
        gsub(/ /, ", ", sa); gsub(/ /, ", ", pa);
        printf "{\"size\": \"%s\", \"objects\": %d, \"bytes\": %d, \"files\": %d, \"findings\": %d, \"inputErrors\": %d, ", size, o, b, i, f, e;
        if (sc == "nan") sc = "null"; if (pc == "nan") pc = "null";
        printf "\"scan\": {\"wallSeconds\": %s, \"runs\": [%s], \"cpuSeconds\": %s, \"peakRssKiB\": %d, \"mbPerSecond\": %.2f, \"objectsPerSecond\": %.0f}, ", sw, sa, sc, sr, b / 1e6 / sw, o / sw;
        printf "\"parseOnly\": {\"wallSeconds\": %s, \"runs\": [%s], \"cpuSeconds\": %s, \"peakRssKiB\": %d, \"mbPerSecond\": %.2f, \"objectsPerSecond\": %.0f}, ", pw, pa, pc, pr, b / 1e6 / pw, o / pw;
        printf "\"inventoryChecksReportOverhead\": %.3f}", sw / pw - 1 }')")
done

# --- a cluster snapshot ------------------------------------------------------------------
SNAPSHOT_LINE=""
SNAPSHOT_JSON="null"
if [ "$SNAPSHOT_PODS" != 0 ]; then
    bundle=$OUT/snapshot-$SNAPSHOT_PODS.tar.gz
    [ -f "$bundle" ] || "$SNAPSHOT_GEN" "$bundle" "$SNAPSHOT_PODS"
    log "== snapshot of $SNAPSHOT_PODS pods: kwar scan"
    report=$OUT/runs/scan-snapshot.json
    read -r N_WALL N_RSS N_CPU N_ALL < <(series snapshot "$OUT/runs/scan-snapshot" \
        "$KWAR" scan "$bundle" --format json -o "$report" --fail-on never)
    n_objects=$(json_field "$report" objects)
    n_bytes=$(json_field "$report" bytes)
    SNAPSHOT_LINE=$(printf 'snapshot of %s pods (%s objects, %.1f MB of JSON): %s s wall, %s s CPU, %d MiB peak RSS (target <= 3 s)' \
        "$SNAPSHOT_PODS" "$n_objects" "$(awk -v b="$n_bytes" 'BEGIN { print b / 1e6 }')" "$N_WALL" "$N_CPU" "$((N_RSS / 1024))")
    SNAPSHOT_JSON=$(printf '{"pods": %s, "objects": %s, "bytes": %s, "wallSeconds": %s, "runs": [%s], "cpuSeconds": %s, "peakRssKiB": %s}' \
        "$SNAPSHOT_PODS" "$n_objects" "$n_bytes" "$N_WALL" "${N_ALL// /, }" "${N_CPU/nan/null}" "$N_RSS")
fi
LOAD_END=$(loadavg)

# --- table -------------------------------------------------------------------------------
{
    echo
    echo "kwar benchmark: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)), median of $RUNS runs; load average before $LOAD_START, after $LOAD_END"
    printf '%-6s %8s %8s | %8s %8s %8s %9s | %8s %8s %8s | %9s | %9s %9s\n' \
        size objects MB "scan s" "RSS MiB" "MB/s" "objects/s" "parse s" "RSS MiB" "MB/s" \
        "overhead" "scan CPU" "parse CPU"
    for r in "${ROWS[@]}"; do
        # shellcheck disable=SC2086
        printf '%-6s %8s %8s | %8s %8s %8s %9s | %8s %8s %8s | %8s%% | %8ss %8ss\n' $r
    done
    printf 'base (empty input): %s s, %d MiB\n' "$BASE_WALL" "$((BASE_RSS / 1024))"
    [ -z "$SNAPSHOT_LINE" ] || echo "$SNAPSHOT_LINE"
} | tee "$OUT/results.txt"

# Scaling between consecutive sizes, above the fixed base: (T2 - Tb) / (T1 - Tb) against the
# objects ratio N2 / N1 (targets: time <= 1.1 x that, memory <= 1.0 x that).
SCALING=()
prev=""
for r in "${ROWS[@]}"; do
    if [ -n "$prev" ]; then
        line=$(echo "$prev $r" | awk -v bw="$BASE_WALL" -v br="$((BASE_RSS / 1024))" '{
            n = $15 / $2; t = ($17 - bw) / ($4 - bw); m = ($18 - br) / ($5 - br);
            printf "%s->%s objects x%.2f: time x%.2f (target <= x%.2f), memory x%.2f (target <= x%.2f)",
                $1, $14, n, t, 1.1 * n, m, n }')
        echo "scaling $line" | tee -a "$OUT/results.txt"
        SCALING+=("\"$line\"")
    fi
    prev=$r
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain 2>/dev/null | grep -q . && echo true || echo false)
{
    echo "{"
    echo "  \"tool\": \"kwar $commit\", \"worktreeDirty\": $dirty,"
    echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
    echo "  \"machine\": {\"cpus\": $(nproc), \"model\": \"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)\", \"loadAverageBefore\": \"$LOAD_START\", \"loadAverageAfter\": \"$LOAD_END\"},"
    echo "  \"runs\": $RUNS, \"peakRssFrom\": \"$([ -n "$GNU_TIME" ] && echo 'GNU time' || echo '/proc VmHWM sampling')\","
    echo "  \"command\": \"target/release/kwar scan <corpus> --format json -o <file> --fail-on never\","
    echo "  \"base\": {\"wallSeconds\": $BASE_WALL, \"peakRssKiB\": $BASE_RSS},"
    echo "  \"sizes\": ["
    for i in "${!JSON_ROWS[@]}"; do
        sep=","
        [ "$i" = $((${#JSON_ROWS[@]} - 1)) ] && sep=""
        echo "    ${JSON_ROWS[$i]}$sep"
    done
    echo "  ],"
    echo "  \"scaling\": [$(IFS=,; echo "${SCALING[*]:-}")],"
    echo "  \"snapshot\": $SNAPSHOT_JSON"
    echo "}"
} >"$OUT/results.json"
log "wrote $OUT/results.json and $OUT/results.txt"
