#!/usr/bin/env bash
# ONNX Runtime version sweep: bash jobs/ort-sweep.sh [rounds] [versions...]
#   Runs the text benchmark's raw-vs-stage part ($ROWS rows, default 3000, in $CHUNKS chunks, default 2;
#   no heap, no arrival order, no int8, no job) once per version per round, then a soak of $SOAK
#   batches (default 1000) with RSS every $SOAK_EVERY (250), versions taking turns so a slow spell on a shared machine does not land on one version.
#   Prints every run's JSON line, then per version the median rows/s of the raw loop and the stage,
#   and the soak's RSS growth after its first stretch (last / first, median over rounds).
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-2}
shift || true
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  # the versions on Maven Central from the peer DJL's 1.21.1 to 1.28.0 (1.29.0 crashes, see DESIGN.md)
  versions=(1.21.1 1.22.0 1.23.0 1.23.1 1.23.2 1.24.1 1.24.2 1.26.0 1.28.0)
fi
rows=${ROWS:-3000}
chunks=${CHUNKS:-2}
soak=${SOAK:-1000}
soak_every=${SOAK_EVERY:-250}
out=$(mktemp)
for ((r = 1; r <= rounds; r++)); do
  for v in "${versions[@]}"; do
    bash bench.sh text -Donnxruntime.version="$v" -Dbench.rows="$rows" -Dbench.chunks="$chunks" -Dbench.djl=false \
      -Dbench.arrivalRows=0 -Dbench.heapRows=0 -Dbench.q8=false -Dbench.jobRows=0 \
      -Dbench.soak="$soak" -Dbench.soakEvery="$soak_every" | tail -n 1 | tee -a "$out"
  done
done
echo "version raw_ort_rows_per_s(median) stage_rows_per_s(median) soak_rss_mb(first run) soak_rss_growth(median) runs"
python3 - "$out" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    j = json.loads(line)
    runs.setdefault(j["onnxruntime"], []).append(j)
for v, js in runs.items():
    print(v, round(statistics.median(j["raw_ort_rows_per_s"] for j in js), 1),
          round(statistics.median(j["stage_rows_per_s"] for j in js), 1),
          js[0].get("soak_rss_mb", []),
          round(statistics.median(j.get("soak_rss_growth_after_first", 1.0) for j in js), 3), len(js))
PY
