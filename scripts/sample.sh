#!/usr/bin/env bash
# Command 1 of the README: installs the dependencies, builds coopscope and runs
# the main job on the real sample data in ../shared/data — the collaboration
# indicators of the World Bank Group (OpenAlex I55633929, which the World Bank
# and its agencies hold in their lineage) over every OpenAlex work file there.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${COOPSCOPE_DATA:-../shared/data}
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target coopscope
./build/release/coopscope indicators --org I55633929 \
  --registry "$DATA/ror-records-subset/ror_v2_subset_latest.json.gz" \
  --registry "$DATA/openalex-snapshot-sample-2023/institutions" \
  --window 4 \
  "$DATA/openalex-works-openalexpro" "$DATA/openalex-snapshot-sample-2023" "$DATA/openalex-entities-2025/W2741809807.json"
