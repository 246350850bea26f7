// The synthetic snapshot generator (see generate.h): lays works out over
// part files under a few updated_date folders, plans the duplicated works
// and where their older copies go, writes the parts in parallel (each part a
// pure function of the options, so threads do not change a byte) and the
// manifest.
//
// Layout.  Work i (0 ≤ i < works, counted from first_index) lives in part p = the p with
// p·works/parts ≤ i < (p+1)·works/parts.  Parts are split over D = min(parts,
// 4) folders, oldest first; a work's updated_date is its folder's date with a
// time of day.  A duplicated work also has an older copy, with an older
// updated_date, in a part of an older folder (or, for the oldest folder, in
// another of its parts, or any other part), at a position drawn from the
// work's hash.
#include "synth/generate.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "io/reject.h"
#include "model/calendar.h"
#include "registry/registry.h"
#include "synth/part_sink.h"
#include "synth/random.h"
#include "synth/universe.h"
#include "synth/work_writer.h"

namespace coopscope {
namespace {

namespace fs = std::filesystem;
using synth::HashBelow;
using synth::Mix64;
using synth::PartCompression;
using synth::WorkVersion;

constexpr unsigned kMaxFolders = 4;
constexpr unsigned kMaxParts = 10000;
// Month and day of each updated_date folder, in the year after last_year.
constexpr unsigned kFolderMonthDay[kMaxFolders][2] = {{1, 14}, {3, 5}, {5, 21}, {7, 9}};
constexpr double k2022FormatShare = 0.05;       // newest versions in the 2022 format
constexpr double kOlder2022FormatShare = 0.40;  // older copies in the 2022 format
constexpr int kMaxOlderDays = 300;              // how much older an older copy is
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr size_t kFlushBytes = 4u << 20;  // uncompressed bytes handed to a part at once

struct PartInfo {
  unsigned folder = 0;
  unsigned number = 0;          // within its folder
  uint64_t begin = 0, end = 0;  // works [begin, end)
  std::string path, url;
  struct Hosted {
    uint64_t position;  // written before the part's work at this offset
    uint64_t index;
  };
  std::vector<Hosted> hosted;  // older copies written into this part
  uint64_t records = 0, bytes = 0;
  Status status;
};

class Generator {
 public:
  Generator(const GenerateOptions& options, const synth::Universe& universe, PartCompression compression)
      : options_(options), universe_(universe), compression_(compression) {}

  Status Run();

 private:
  void Lay();
  uint64_t PartOf(uint64_t index) const;
  uint64_t Hash(uint64_t index) const { return synth::StreamSeed(options_.seed, index, synth::kSaltDuplicate); }
  WorkVersion Newest(uint64_t index, const PartInfo& part) const;
  WorkVersion Older(uint64_t index, const PartInfo& part) const;
  Status WritePart(PartInfo& part, synth::WorkWriter& writer);
  Status WriteManifest() const;

  const GenerateOptions& options_;
  const synth::Universe& universe_;
  PartCompression compression_;
  std::string extension_;
  std::vector<int64_t> folder_days_;
  std::vector<unsigned> folder_first_part_;
  std::vector<PartInfo> parts_;
};

void Generator::Lay() {
  const unsigned parts = options_.parts;
  const unsigned folders = std::min(parts, kMaxFolders);
  extension_ = compression_ == PartCompression::kGzip ? "gz" : compression_ == PartCompression::kZstd ? "zst" : "jsonl";
  for (unsigned f = 0; f < folders; ++f) {
    folder_days_.push_back(DaysFromCivil(options_.last_year + 1, kFolderMonthDay[f][0], kFolderMonthDay[f][1]));
    folder_first_part_.push_back(static_cast<unsigned>(uint64_t{f} * parts / folders));
  }
  folder_first_part_.push_back(parts);
  parts_.resize(parts);
  for (unsigned p = 0; p < parts; ++p) {
    PartInfo& part = parts_[p];
    while (p >= folder_first_part_[part.folder + 1]) ++part.folder;
    part.number = p - folder_first_part_[part.folder];
    part.begin = options_.first_index + options_.works * p / parts;
    part.end = options_.first_index + options_.works * (p + 1) / parts;
    CivilDate d = CivilFromDays(folder_days_[part.folder]);
    std::string key =
        fmt::format("updated_date={:04}-{:02}-{:02}/part_{:03}.{}", d.year, d.month, d.day, part.number, extension_);
    part.path = (fs::path(options_.out_dir) / "works" / key).string();
    part.url = "s3://openalex/data/works/" + key;
  }
  // Older copies of duplicated works, and where they go.
  for (uint64_t i = options_.first_index; i < options_.first_index + options_.works; ++i) {
    uint64_t h = Hash(i);
    if (!HashBelow(h, options_.duplicate_share)) continue;
    uint64_t p = PartOf(i);
    unsigned folder = parts_[p].folder;
    uint64_t q = p;
    if (folder > 0) {
      q = Mix64(h ^ 1) % folder_first_part_[folder];  // a part of an older folder
    } else if (parts > 1) {
      // The oldest folder: another of its parts, else any other part.
      uint64_t span = folder_first_part_[1] > 1 ? folder_first_part_[1] : parts;
      q = (p + 1 + Mix64(h ^ 1) % (span - 1)) % span;
    }
    PartInfo& dest = parts_[q];
    dest.hosted.push_back({Mix64(h ^ 6) % (dest.end - dest.begin + 1), i});
  }
  for (PartInfo& part : parts_)
    std::sort(part.hosted.begin(), part.hosted.end(), [](const PartInfo::Hosted& a, const PartInfo::Hosted& b) {
      return a.position != b.position ? a.position < b.position : a.index < b.index;
    });
}

uint64_t Generator::PartOf(uint64_t index) const {
  // The first p with index < end(p) = works·(p+1)/parts.
  uint64_t p = (index - options_.first_index) * options_.parts / std::max<uint64_t>(options_.works, 1);
  while (p > 0 && index < parts_[p].begin) --p;
  while (index >= parts_[p].end) ++p;
  return p;
}

WorkVersion Generator::Newest(uint64_t index, const PartInfo& part) const {
  uint64_t h = Hash(index);
  WorkVersion v;
  v.updated_day = folder_days_[part.folder];
  v.updated_micros = static_cast<int64_t>(Mix64(h ^ 2) % kMicrosPerDay);
  v.format_2022 = HashBelow(Mix64(h ^ 5), k2022FormatShare);
  return v;
}

WorkVersion Generator::Older(uint64_t index, const PartInfo& part) const {
  uint64_t h = Hash(index);
  WorkVersion v;
  // Older than the newest version, and no later than the date of the folder
  // it is written in.
  int64_t newest_day = folder_days_[parts_[PartOf(index)].folder];
  v.updated_day =
      std::min(newest_day - 1, folder_days_[part.folder]) - static_cast<int64_t>(Mix64(h ^ 3) % kMaxOlderDays);
  v.updated_micros = static_cast<int64_t>(Mix64(h ^ 4) % kMicrosPerDay);
  v.format_2022 = HashBelow(Mix64(h ^ 7), kOlder2022FormatShare);
  v.older = true;
  return v;
}

Status Generator::WritePart(PartInfo& part, synth::WorkWriter& writer) {
  auto sink = synth::PartSink::Open(part.path, compression_);
  if (!sink.ok()) return sink.status();
  std::string buffer;
  buffer.reserve(kFlushBytes + (1u << 20));
  auto hosted = part.hosted.begin();
  auto flush_if_full = [&]() -> Status {
    if (buffer.size() < kFlushBytes) return Status::Ok();
    Status st = sink.value()->Write(buffer);
    buffer.clear();
    return st;
  };
  for (uint64_t offset = 0;; ++offset) {
    for (; hosted != part.hosted.end() && hosted->position == offset; ++hosted) {
      writer.Append(hosted->index, Older(hosted->index, part), &buffer);
      ++part.records;
      if (Status st = flush_if_full(); !st.ok()) return st;
    }
    if (part.begin + offset >= part.end) break;
    uint64_t index = part.begin + offset;
    writer.Append(index, Newest(index, part), &buffer);
    ++part.records;
    if (Status st = flush_if_full(); !st.ok()) return st;
  }
  if (!buffer.empty())
    if (Status st = sink.value()->Write(buffer); !st.ok()) return st;
  if (Status st = sink.value()->Finish(); !st.ok()) return st;
  part.bytes = sink.value()->file_bytes();
  return Status::Ok();
}

Status Generator::WriteManifest() const {
  std::string text = "{\n  \"entries\": [\n";
  uint64_t bytes = 0, records = 0;
  for (size_t p = 0; p < parts_.size(); ++p) {
    const PartInfo& part = parts_[p];
    text += fmt::format("    {{\"url\": \"{}\", \"meta\": {{ \"content_length\": {}, \"record_count\": {} }} }}{}\n",
                        part.url, part.bytes, part.records, p + 1 < parts_.size() ? "," : "");
    bytes += part.bytes;
    records += part.records;
  }
  text += fmt::format("  ],\n  \"meta\": {{\n    \"content_length\": {},\n    \"record_count\": {}\n  }}\n}}\n", bytes,
                      records);
  std::string path = (fs::path(options_.out_dir) / "works" / "manifest.json").string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status(ErrorCode::kIo, fmt::format("cannot write {}", path));
  return Status::Ok();
}

// Removes the parts and manifest a previous run left under <out>/works, so
// that a smaller --parts does not leave stale parts behind.  Nothing else is
// touched.
Status CleanPreviousOutput(const fs::path& works) {
  std::error_code ec;
  if (!fs::is_directory(works, ec)) return Status::Ok();
  for (const auto& entry : fs::directory_iterator(works, ec)) {
    std::string name = entry.path().filename().string();
    if (name == "manifest.json") {
      fs::remove(entry.path(), ec);
    } else if (name.starts_with("updated_date=") && entry.is_directory()) {
      for (const auto& file : fs::directory_iterator(entry.path(), ec))
        if (file.path().filename().string().starts_with("part_")) fs::remove(file.path(), ec);
      if (fs::is_empty(entry.path(), ec)) fs::remove(entry.path(), ec);
    }
    if (ec) return Status(ErrorCode::kIo, fmt::format("cannot clean {}: {}", works.string(), ec.message()));
  }
  if (ec) return Status(ErrorCode::kIo, fmt::format("cannot list {}: {}", works.string(), ec.message()));
  return Status::Ok();
}

Status Generator::Run() {
  Lay();
  fs::path works = fs::path(options_.out_dir) / "works";
  if (Status st = CleanPreviousOutput(works); !st.ok()) return st;
  for (size_t f = 0; f < folder_days_.size(); ++f) {
    std::error_code ec;
    fs::path dir = fs::path(parts_[folder_first_part_[f]].path).parent_path();
    fs::create_directories(dir, ec);
    if (ec) return Status(ErrorCode::kIo, fmt::format("cannot create folder {}: {}", dir.string(), ec.message()));
  }

  unsigned threads = options_.threads != 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(parts_.size()));
  synth::WorkConfig config{options_.seed, options_.cnrs_share, options_.first_year, options_.last_year};
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&]() {
    synth::WorkWriter writer(universe_, config);
    for (size_t p; !failed.load() && (p = next.fetch_add(1)) < parts_.size();) {
      parts_[p].status = WritePart(parts_[p], writer);
      if (!parts_[p].status.ok()) failed.store(true);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (const PartInfo& part : parts_)
    if (!part.status.ok()) return part.status;
  return WriteManifest();
}

Status Validate(const GenerateOptions& o, PartCompression* compression) {
  auto invalid = [](std::string message) { return Status(ErrorCode::kInvalidArgument, "generate: " + message); };
  if (o.out_dir.empty()) return invalid("--out is required");
  if (o.registry.empty()) return invalid("--registry is required (a ROR v2 dump holding CNRS, ROR 02feahw73)");
  if (o.parts == 0 || o.parts > kMaxParts) return invalid(fmt::format("--parts must be in 1..{}", kMaxParts));
  if (o.compression == "none")
    *compression = PartCompression::kNone;
  else if (o.compression == "gz" || o.compression == "gzip")
    *compression = PartCompression::kGzip;
  else if (o.compression == "zst" || o.compression == "zstd")
    *compression = PartCompression::kZstd;
  else
    return invalid(fmt::format("--compression \"{}\": use none, gz or zst", o.compression));
  if (!(o.cnrs_share >= 0 && o.cnrs_share <= 1)) return invalid("--cnrs-share must be in [0, 1]");
  if (!(o.duplicate_share >= 0 && o.duplicate_share <= 1)) return invalid("--duplicate-share must be in [0, 1]");
  if (o.first_year < 1000 || o.last_year > 2998 || o.first_year > o.last_year)
    return invalid(
        fmt::format("years {}..{}: need 1000 <= --first-year <= --last-year <= 2998", o.first_year, o.last_year));
  return Status::Ok();
}

}  // namespace

Status RunGenerate(const GenerateOptions& options) {
  PartCompression compression = PartCompression::kNone;
  if (Status st = Validate(options, &compression); !st.ok()) return st;
  std::error_code ec;
  if (!fs::is_regular_file(options.registry, ec))
    return Status(ErrorCode::kNotFound, fmt::format("generate: registry {} does not exist", options.registry));
  Registry registry;
  RejectLog rejects;
  if (Status st = registry.Load(options.registry, &rejects); !st.ok())
    return Status(st.code(), fmt::format("generate: cannot load registry {}: {}", options.registry, st.message()));
  auto universe = synth::Universe::Build(registry, options.cnrs_share > 0);
  if (!universe.ok())
    return Status(universe.status().code(),
                  fmt::format("generate: registry {}: {}", options.registry, universe.status().message()));
  Generator generator(options, universe.value(), compression);
  Status st = generator.Run();
  if (!st.ok()) return Status(st.code(), "generate: " + st.message());
  return Status::Ok();
}

}  // namespace coopscope
