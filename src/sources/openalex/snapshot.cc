#include "sources/openalex/snapshot.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>

#include "io/byte_stream.h"
#include "io/line_reader.h"
#include "sources/export_reader.h"

namespace coopscope {
namespace fs = std::filesystem;
namespace {

bool IsManifestName(const std::string& name) {
  return name == "manifest" || name == "manifest.json";
}

bool IsDataName(const std::string& name) {
  if (IsManifestName(name)) return false;
  for (std::string_view ext : {".jsonl", ".json", ".ndjson", ".gz", ".zst", ".jsonl.gz", ".jsonl.zst"})
    if (name.ends_with(ext)) return !name.ends_with(".csv.gz");
  return name.starts_with("part_");  // snapshot parts as synced, without extension
}

// Exports of other sources met in a folder (WoS .txt/.isi/.ciw, Scopus .csv,
// .bib, HAL .json) count when their content says which format they are, so
// that a README or a query file beside them is not read as data.
bool IsExportData(const fs::path& path) {
  std::string name = path.filename().string();
  bool candidate = false;
  for (std::string_view ext : {".txt", ".isi", ".ciw", ".bib", ".csv", ".tsv"}) candidate = candidate || name.ends_with(ext);
  if (!candidate) return false;
  auto format = DetectInputFormat(path.string());
  return format.ok() && IsExportFormat(format.value());
}

bool IsCsvName(const std::string& name) {
  return name.ends_with(".csv") || name.ends_with(".csv.gz");
}

void Walk(const fs::path& dir, InputSet* set, bool merged_area) {
  std::vector<fs::path> children;
  for (const auto& entry : fs::directory_iterator(dir)) children.push_back(entry.path());
  std::sort(children.begin(), children.end());
  bool snapshot_root = std::any_of(children.begin(), children.end(),
                                   [](const fs::path& p) { return p.filename() == "works" && fs::is_directory(p); });
  for (const fs::path& child : children) {
    std::string name = child.filename().string();
    if (fs::is_directory(child)) {
      if (snapshot_root && name != "works" && name != "merged_ids") continue;
      if (name == "merged_ids") {
        if (fs::is_directory(child / "works")) Walk(child / "works", set, true);
        continue;
      }
      Walk(child, set, merged_area);
    } else if (merged_area) {
      if (IsCsvName(name)) set->merged_id_files.push_back(child.string());
    } else if (IsManifestName(name)) {
      auto manifest = ReadManifest(child.string());
      if (manifest.ok()) set->manifests.push_back(std::move(manifest.value()));
    } else if (!snapshot_root && (IsDataName(name) || IsExportData(child))) {
      set->data_files.push_back(child.string());
    }
  }
}

}  // namespace

std::string PartKey(std::string_view path) {
  auto pos = path.rfind("updated_date=");
  if (pos == std::string_view::npos) return "";
  std::string_view rest = path.substr(pos);
  // "updated_date=2023-05-16/part_000.gz" or "updated_date=2023-05-16_part_000.jsonl"
  constexpr size_t kDateEnd = sizeof("updated_date=2023-05-16") - 1;
  if (rest.size() <= kDateEnd) return "";
  std::string key(rest.substr(0, kDateEnd));
  std::string_view part = rest.substr(kDateEnd + 1);
  auto dot = part.find('.');
  key += '/';
  key += part.substr(0, dot);
  return key;
}

Result<InputSet> DiscoverInputs(const std::vector<std::string>& paths) {
  InputSet set;
  for (const std::string& p : paths) {
    std::error_code ec;
    auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) return Status(ErrorCode::kNotFound, fmt::format("input {} does not exist", p));
    if (fs::is_directory(status)) {
      try {
        Walk(fs::path(p), &set, false);
      } catch (const fs::filesystem_error& e) {
        return Status(ErrorCode::kIo, fmt::format("cannot list {}: {}", p, e.what()));
      }
    } else if (IsManifestName(fs::path(p).filename().string())) {
      auto manifest = ReadManifest(p);
      if (!manifest.ok()) return manifest.status();
      set.manifests.push_back(std::move(manifest.value()));
    } else {
      set.data_files.push_back(p);
    }
  }
  return set;
}

Result<Manifest> ReadManifest(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(text.value()).get(doc))
    return Status(ErrorCode::kParse, fmt::format("manifest {} is not JSON: {}", path, simdjson::error_message(e)));
  Manifest manifest;
  manifest.path = path;
  simdjson::dom::array entries;
  if (doc["entries"].get_array().get(entries))
    return Status(ErrorCode::kParse, fmt::format("manifest {} has no \"entries\" array", path));
  for (auto entry : entries) {
    std::string_view url;
    uint64_t count = 0, length = 0;
    if (entry["url"].get_string().get(url) || entry["meta"]["record_count"].get_uint64().get(count))
      return Status(ErrorCode::kParse, fmt::format("manifest {}: an entry lacks url or meta.record_count", path));
    if (entry["meta"]["content_length"].get_uint64().get(length)) length = 0;  // optional
    manifest.entries.push_back(ManifestEntry{PartKey(url), count, length});
    manifest.total_records += count;
  }
  return manifest;
}

Status ReadMergedIds(const std::string& path, std::unordered_set<OpenAlexId>* ids, std::vector<Reject>* rejects) {
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  Limits limits;
  limits.max_record_bytes = 1u << 16;
  LineReader reader(std::move(stream.value()), limits);
  Line line;
  int id_column = 1;
  for (;;) {
    auto next = reader.Next(&line);
    if (!next.ok()) {
      rejects->push_back(
          Reject{path, reader.lines_seen() + 1, reader.offset(), next.status().code(), next.status().message()});
      break;
    }
    if (!next.value()) break;
    std::string_view text = line.text;
    if (text.empty()) continue;
    std::vector<std::string_view> cells;
    for (size_t start = 0;;) {
      size_t comma = text.find(',', start);
      cells.push_back(text.substr(start, comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (line.number == 1 && !cells.empty() && ParseOpenAlexId(cells[0], 'W') == 0 &&
        ParseOpenAlexId(cells.size() > 1 ? cells[1] : "", 'W') == 0) {
      auto it = std::find(cells.begin(), cells.end(), "id");
      if (it != cells.end()) id_column = static_cast<int>(it - cells.begin());
      continue;  // header
    }
    OpenAlexId id = static_cast<int>(cells.size()) > id_column ? ParseOpenAlexId(cells[id_column], 'W') : 0;
    if (id == 0) {
      rejects->push_back(Reject{path, line.number, line.offset, ErrorCode::kParse,
                                "merged-id row without a work id (W…) in its \"id\" column"});
      continue;
    }
    ids->insert(id);
  }
  return Status::Ok();
}

}  // namespace coopscope
