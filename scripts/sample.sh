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

# The same inputs ingested once into a store, then the same question answered from it.
STORE=build/sample-store
rm -rf "$STORE"
./build/release/coopscope store build "$STORE" \
  --registry "$DATA/ror-records-subset/ror_v2_subset_latest.json.gz" \
  --registry "$DATA/openalex-snapshot-sample-2023/institutions" \
  "$DATA/openalex-works-openalexpro" "$DATA/openalex-snapshot-sample-2023" "$DATA/openalex-entities-2025/W2741809807.json"
./build/release/coopscope store info "$STORE"
./build/release/coopscope indicators --store "$STORE" --org I55633929 --window 4 --format json -q > build/sample-store.json
./build/release/coopscope indicators --org I55633929 --window 4 --format json -q \
  --registry "$DATA/ror-records-subset/ror_v2_subset_latest.json.gz" \
  --registry "$DATA/openalex-snapshot-sample-2023/institutions" \
  "$DATA/openalex-works-openalexpro" "$DATA/openalex-snapshot-sample-2023" "$DATA/openalex-entities-2025/W2741809807.json" \
  > build/sample-stream.json
cmp build/sample-store.json build/sample-stream.json && echo "The store's answer is identical to the streaming answer (build/sample-store.json)."
