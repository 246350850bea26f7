#!/usr/bin/env bash
# Command 1 of the README: installs the dependencies, builds coopscope and runs
# the main job on the real sample data in ../shared/data: the collaboration
# indicators of the World Bank Group (OpenAlex I55633929, which the World Bank
# and its agencies hold in their lineage) over every OpenAlex work file there,
# streaming and from a store; CNRS over the real WoS and HAL exports; and
# CNRS's key-figures sheet from those exports, generated HR records and real
# author records.
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

# Other sources: CNRS (ROR 02feahw73) over the real Web of Science and HAL exports, whose raw
# affiliation strings the matcher turns into countries and ROR organisations.
ROR="$DATA/ror-records-subset/ror_v2_subset_latest.json.gz"
EXPORTS=("$DATA/wos-scopus-metaknowledge" "$DATA/wos-scientopy-ble" "$DATA/hal-etbx-inrae")
./build/release/coopscope indicators --org 02feahw73 --registry "$ROR" --years 2015-2022 --window 0 -q "${EXPORTS[@]}"

# The organisation's own records (synthetic, generated from the real ROR units of CNRS), imported
# all or nothing, then CNRS's key-figures sheet for 2018 in French: publications from the exports,
# staff, recruits, missions, visitors and structures from the records, and the bibliometric mobility
# of the real author records.
HR=build/sample-hr
rm -rf "$HR"
./build/release/coopscope generate hr --out "$HR" --registry "$ROR" --scale small --seed 1 --years 2017-2019
./build/release/coopscope hr import --db "$HR/hr.db" "$HR"/*.csv
./build/release/coopscope keyfigures --org 02feahw73 --registry "$ROR" --year 2018 --lang fr \
  --hr-db "$HR/hr.db" --authors "$DATA/openalex-snapshot-sample-2023/authors" \
  --authors "$DATA/openalex-entities-2025/A5023888391.json" "${EXPORTS[@]}" -q -o build/sample-keyfigures-fr.md
echo "CNRS key figures 2018 (French): build/sample-keyfigures-fr.md"
head -30 build/sample-keyfigures-fr.md
