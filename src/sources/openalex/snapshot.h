// The OpenAlex snapshot layout around the work files: finding the parts
// under the folders a user names, the manifest's record counts, and the
// merged_ids lists of works folded into others.  Pure functions over files.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "io/reject.h"
#include "io/status.h"
#include "model/ids.h"

namespace coopscope {

struct ManifestEntry {
  std::string part_key;  // "updated_date=2023-05-16/part_000"
  uint64_t record_count = 0;
  uint64_t content_length = 0;
};

struct Manifest {
  std::string path;
  std::vector<ManifestEntry> entries;
  uint64_t total_records = 0;
};

// What the named inputs hold once folders are walked.
struct InputSet {
  std::vector<std::string> data_files;       // work files, in a stable (sorted) order
  std::vector<std::string> merged_id_files;  // merged_ids/works/*.csv(.gz)
  std::vector<Manifest> manifests;           // manifests met in the walked folders
};

// Walks files and folders.  In a folder holding a "works" sub-folder (a
// snapshot root), only works/ and merged_ids/works/ are read.  Manifests,
// README/SOURCES files and non-JSON files are not data.
Result<InputSet> DiscoverInputs(const std::vector<std::string>& paths);

// The key a part is known by in a manifest, from an s3 url or a local path;
// "" when the name has no updated_date=… component.
std::string PartKey(std::string_view path_or_url);

Result<Manifest> ReadManifest(const std::string& path);

// Reads merged-id CSV files (merge_date,id,merge_into_id) into a set of work
// ids to drop.  Rows that do not parse go to rejects.
Status ReadMergedIds(const std::string& path, std::unordered_set<OpenAlexId>* ids, std::vector<Reject>* rejects);

}  // namespace coopscope
