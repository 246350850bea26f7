#include "store/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <roaring/roaring.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <queue>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "io/byte_stream.h"
#include "io/json_records.h"
#include "io/threads.h"
#include "match/affiliation_matcher.h"
#include "match/work_resolver.h"
#include "sources/export_reader.h"
#include "sources/openalex/snapshot.h"
#include "sources/openalex/work_parser.h"
#include "store/encoding.h"
#include "store/facts_file.h"
#include "store/segment.h"
#include "store/sqlite.h"
#include "store/tallies.h"

namespace coopscope::store {
namespace {

constexpr int kOrdBits = 24, kPartBits = 16;  // order key = batch << 40 | ord << 16 | part
constexpr size_t kCrcChunk = size_t{1} << 20;

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
  id INTEGER PRIMARY KEY, batch INTEGER NOT NULL, ord INTEGER NOT NULL, path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL, crc32 INTEGER NOT NULL, part_key TEXT NOT NULL, records INTEGER NOT NULL,
  rejected INTEGER NOT NULL, duplicates INTEGER NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS segments(
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, name TEXT NOT NULL UNIQUE, order_key INTEGER NOT NULL,
  works INTEGER NOT NULL, authorships INTEGER NOT NULL, bytes INTEGER NOT NULL, crc32 INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rejects(file_id INTEGER, path TEXT, line INTEGER, offset INTEGER, code INTEGER, reason TEXT);
CREATE TABLE IF NOT EXISTS manifests(part_key TEXT PRIMARY KEY, manifest TEXT NOT NULL, record_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS merged_ids(id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS merged_files(path TEXT PRIMARY KEY, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS registry_files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, format TEXT, records INTEGER);
CREATE TABLE IF NOT EXISTS registry(idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS live(segment_id INTEGER PRIMARY KEY, dead BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS totals(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tallies(kind INTEGER NOT NULL, year INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY(kind, year));
CREATE TABLE IF NOT EXISTS views(generation INTEGER NOT NULL, id INTEGER NOT NULL, org INTEGER NOT NULL,
  works INTEGER NOT NULL, view BLOB NOT NULL, PRIMARY KEY(generation, id));
CREATE TABLE IF NOT EXISTS view_keys(generation INTEGER NOT NULL, key TEXT NOT NULL, id INTEGER NOT NULL,
  PRIMARY KEY(generation, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS export_files(path TEXT PRIMARY KEY, format TEXT NOT NULL, registry_crc INTEGER NOT NULL,
  registry_orgs INTEGER NOT NULL, registry_files TEXT NOT NULL);
)SQL";

std::string SegmentPath(const std::string& dir, const std::string& name) { return dir + "/segments/" + name; }

// ------------------------------------------------------------ registry rows

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}
template <typename T>
void PutIds(std::string* out, const std::vector<T>& ids) {
  PutVarint(out, ids.size());
  for (T id : ids) PutVarint(out, id);
}

std::string EncodeEntry(const RegistryEntry& e) {
  std::string out;
  PutVarint(&out, e.openalex);
  PutVarint(&out, e.ror);
  PutString(&out, e.name);
  PutVarint(&out, e.aliases.size());
  for (const auto& a : e.aliases) PutString(&out, a);
  PutFixed<uint16_t>(&out, e.country);
  out.push_back(static_cast<char>(e.type));
  PutFixed<double>(&out, e.lat);
  PutFixed<double>(&out, e.lng);
  out.push_back(e.active ? 1 : 0);
  PutIds(&out, e.ror_parents);
  PutIds(&out, e.ror_children);
  PutIds(&out, e.openalex_parents);
  PutIds(&out, e.openalex_children);
  PutIds(&out, e.lineage);
  // Since catalog format 2 (the matcher of exports reads them).
  PutVarint(&out, e.acronyms.size());
  for (const auto& a : e.acronyms) PutString(&out, a);
  PutString(&out, e.city);
  // Since session 12, still catalog format 3: an older entry ends before it.
  PutIds(&out, e.ror_related);
  return out;
}

bool DecodeEntry(std::string_view blob, RegistryEntry* e) {
  Cursor c(blob.data(), blob.data() + blob.size());
  auto str = [&] { return std::string(c.Bytes(c.Varint())); };
  auto ids = [&](auto* v) {
    uint64_t n = c.Varint();
    if (n > blob.size()) n = 0;
    v->clear();
    for (uint64_t i = 0; i < n && c.ok(); ++i) v->push_back(c.Varint());
  };
  e->openalex = c.Varint();
  e->ror = c.Varint();
  e->name = str();
  uint64_t n = c.Varint();
  for (uint64_t i = 0; i < n && c.ok() && i < blob.size(); ++i) e->aliases.push_back(str());
  e->country = c.Fixed<uint16_t>();
  e->type = static_cast<InstitutionType>(c.Fixed<uint8_t>());
  e->lat = c.Fixed<double>();
  e->lng = c.Fixed<double>();
  e->active = c.Fixed<uint8_t>() != 0;
  ids(&e->ror_parents);
  ids(&e->ror_children);
  ids(&e->openalex_parents);
  ids(&e->openalex_children);
  ids(&e->lineage);
  if (c.ok() && !c.at_end()) {  // catalog format 2
    uint64_t na = c.Varint();
    for (uint64_t i = 0; i < na && c.ok() && i < blob.size(); ++i) e->acronyms.push_back(str());
    e->city = str();
  }
  if (c.ok() && !c.at_end()) ids(&e->ror_related);
  return c.ok() && c.at_end();
}

// A registry's fingerprint: the crc32 of its entries as the catalog encodes
// them, in order (a store's registry and the files it came from agree).
uint32_t RegistryCrc(const Registry& registry) {
  uint32_t crc = 0;
  for (const RegistryEntry& e : registry.entries()) {
    std::string bytes = EncodeEntry(e);
    crc = Crc32(bytes.data(), bytes.size(), crc);
  }
  return crc;
}

// ------------------------------------------------------------ small helpers

Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    return Status(ErrorCode::kIo, fmt::format("cannot create folder {}", path));
  return Status::Ok();
}

Result<uint32_t> FileCrc(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path));
  std::vector<char> buf(kCrcChunk);
  uint32_t crc = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      ::close(fd);
      return Status(ErrorCode::kIo, fmt::format("cannot read {}", path));
    }
    if (n == 0) break;
    crc = Crc32(buf.data(), static_cast<size_t>(n), crc);
  }
  ::close(fd);
  return crc;
}

Result<std::string> GetMeta(Db& db, const std::string& key) {
  auto s = db.Prepare("SELECT value FROM meta WHERE key = ?");
  if (!s.ok()) return s.status();
  s->Bind(1, key);
  Status st;
  if (s->Step(&st)) return s->Text(0);
  if (!st.ok()) return st;
  return std::string();
}

Status SetMeta(Db& db, const std::string& key, const std::string& value) {
  auto s = db.Prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  if (!s.ok()) return s.status();
  s->Bind(1, key).Bind(2, value);
  return s->Run();
}

Result<int64_t> QueryInt(Db& db, const std::string& sql) {
  auto s = db.Prepare(sql);
  if (!s.ok()) return s.status();
  Status st;
  if (s->Step(&st)) return s->Int(0);
  if (!st.ok()) return st;
  return int64_t{0};
}

std::string PolicyText(const CountryPolicy& policy) {
  std::string out;
  for (const auto& r : policy.Rules()) out += (out.empty() ? "" : ";") + r;
  return out;
}

struct SegmentRow {
  int64_t id = 0, file_id = 0;
  std::string name;
  uint64_t order_key = 0, works = 0, authorships = 0, bytes = 0;
  uint32_t crc = 0;
};

Result<std::vector<SegmentRow>> LoadSegmentRows(Db& db, bool live_only) {
  auto s = db.Prepare(live_only ? "SELECT s.id, s.file_id, s.name, s.order_key, s.works, s.authorships, s.bytes, s.crc32 "
                                  "FROM segments s JOIN live l ON l.segment_id = s.id ORDER BY s.id"
                                : "SELECT id, file_id, name, order_key, works, authorships, bytes, crc32 FROM segments "
                                  "ORDER BY id");
  if (!s.ok()) return s.status();
  std::vector<SegmentRow> rows;
  Status st;
  while (s->Step(&st))
    rows.push_back(SegmentRow{s->Int(0), s->Int(1), s->Text(2), static_cast<uint64_t>(s->Int(3)),
                              static_cast<uint64_t>(s->Int(4)), static_cast<uint64_t>(s->Int(5)),
                              static_cast<uint64_t>(s->Int(6)), static_cast<uint32_t>(s->Int(7))});
  if (!st.ok()) return st;
  return rows;
}

// Adds the stored registry to *registry; *rows (when given) = its row count.
// (Decoding the rows on two threads was tried: more CPU, no faster on 2 cores.)
Status LoadRegistry(Db& db, Registry* registry, uint64_t* rows = nullptr) {
  auto count = QueryInt(db, "SELECT COUNT(*) FROM registry");
  if (!count.ok()) return count.status();
  registry->Reserve(static_cast<size_t>(count.value()));
  auto s = db.Prepare("SELECT idx, entry FROM registry ORDER BY idx");
  if (!s.ok()) return s.status();
  // The rows are read in order, decoded on two threads (an entry is a dozen
  // allocations), then added in order (AddEntry merges on ids).
  std::vector<std::pair<int64_t, std::string>> blobs;
  blobs.reserve(static_cast<size_t>(count.value()));
  Status st;
  while (s->Step(&st)) blobs.emplace_back(s->Int(0), std::string(s->Blob(1)));
  if (!st.ok()) return st;
  std::vector<RegistryEntry> entries(blobs.size());
  std::atomic<int64_t> damaged{-1};
  auto decode = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      if (!DecodeEntry(blobs[i].second, &entries[i])) damaged = blobs[i].first;
  };
  {
    std::jthread half(decode, blobs.size() / 2, blobs.size());
    decode(0, blobs.size() / 2);
  }
  if (damaged >= 0)
    return Status(ErrorCode::kCorrupt, fmt::format("store catalog: registry row {} is damaged", damaged.load()));
  for (RegistryEntry& e : entries) registry->AddEntry(std::move(e));
  if (rows != nullptr) *rows = entries.size();
  return Status::Ok();
}

// ------------------------------------------------------------ generation

struct OrgTally {
  uint64_t p = 0, p_int_collab = 0;
  FracSum p_frac;  // exact: the same whatever the order threads meet the works in
};

// Everything a settle publishes, computed from the committed segments.
struct Generation {
  std::vector<std::string> dead;  // per segment (in rows order): portable roaring of dead rows
  std::map<std::string, int64_t> totals;
  // Per (year, top-level organisation): p, p_frac, p_int_collab, in key order.
  std::vector<std::pair<std::pair<int, PartnerKey>, OrgTally>> org_year;
  std::unordered_map<PartnerKey, PartnerInfo> orgs;  // names of the ranked organisations
  std::map<std::tuple<int, CountryCode, CountryCode>, uint64_t> pairs;
  std::vector<Reject> manifest_rejects;
  std::vector<FactsBlockBuilder> facts;  // per segment (in rows order)
  FactsEntriesBuilder entries;           // the segments' dictionary entries, distinct
  std::string facts_file;                // its file name in the store folder, set before publishing
  uint64_t number = 0;                   // the generation it publishes (the last one + 1), set before publishing
};

// The rank and country tallies of a generation as its blobs hold them
// (docs/store-format.md "Tallies"): the `tallies` table's kinds, year 0 for
// the organisation dictionary.
constexpr int kTallyOrgsKind = 1, kTallyRankKind = 2, kTallyPairsKind = 3;

struct Tallies {
  uint32_t registry_crc = 0;                    // meta.registry_crc when settled
  std::vector<TallyOrg> orgs;                   // ascending key
  std::map<int, std::vector<TallyRank>> rank;   // per year, ascending organisation
  std::map<int, std::vector<TallyPair>> pairs;  // per year, ascending (a, b)
};

// `registry` and `policy`: those the generation was settled with.
const RegistryEntry* FindKey(const Registry& registry, PartnerKey key);

Tallies TalliesOf(const Generation& g, const Registry& registry, const CountryPolicy& policy) {
  Tallies t;
  t.registry_crc = RegistryCrc(registry);
  std::vector<PartnerKey> keys;
  keys.reserve(g.org_year.size());
  for (const auto& [key, row] : g.org_year) keys.push_back(key.second);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  t.orgs.reserve(keys.size());
  for (PartnerKey k : keys) {
    TallyOrg o;
    o.key = k;
    // kRegistry: the registry finds the key itself; a key it finds through
    // the ROR id works state (FindKeyOrStatedRor) is named by that entry.
    if (auto it = g.orgs.find(k); it != g.orgs.end() && it->second.from_registry && FindKey(registry, k) != nullptr) {
      o.naming = TallyNaming::kRegistry;
    } else if (it != g.orgs.end()) {
      const PartnerInfo& info = it->second;
      if (const RegistryEntry* e = EntryDescribing(registry, policy, info)) {
        o.naming = TallyNaming::kWorksEntry;
        o.entry = static_cast<uint32_t>(e - registry.entries().data());
      } else {
        o.naming = TallyNaming::kWorks;
        o.name = info.name;
        o.country = info.country;
        o.ror = info.ror;
      }
    }
    t.orgs.push_back(std::move(o));
  }
  for (const auto& [key, row] : g.org_year) {  // in (year, key) order
    const auto at = static_cast<uint32_t>(std::lower_bound(keys.begin(), keys.end(), key.second) - keys.begin());
    t.rank[key.first].push_back(TallyRank{at, row.p, row.p_int_collab, row.p_frac.value()});
  }
  for (const auto& [key, copubs] : g.pairs)
    t.pairs[std::get<0>(key)].push_back(TallyPair{std::get<1>(key), std::get<2>(key), copubs});
  return t;
}

// The blobs of the tallies table, by (kind, year), compressed on all cores
// (zstd at a high level is most of their cost).
std::map<std::pair<int, int>, std::string> EncodeTallies(const Tallies& t) {
  std::map<std::pair<int, int>, std::string> out;
  std::vector<std::pair<std::string*, std::function<std::string()>>> tasks;
  tasks.emplace_back(&out[{kTallyOrgsKind, 0}], [&] { return EncodeTallyOrgs(t.registry_crc, t.orgs); });
  for (const auto& [year, rows] : t.rank)
    tasks.emplace_back(&out[{kTallyRankKind, year}], [&rows = rows] { return EncodeRankYear(rows); });
  for (const auto& [year, rows] : t.pairs)
    tasks.emplace_back(&out[{kTallyPairsKind, year}], [&rows = rows] { return EncodePairsYear(rows); });
  std::atomic<size_t> next{0};
  RunThreads(ThreadsFor(0, tasks.size()), [&](unsigned) {
    for (size_t i; (i = next.fetch_add(1)) < tasks.size();) *tasks[i].first = tasks[i].second();
  });
  return out;
}

// The registry entry a dictionary organisation is named after (kRegistry:
// its key's; kWorksEntry: the entry whose number it keeps); null for the
// other namings, and when the registry holds no such key or number.
const RegistryEntry* NamingEntry(const TallyOrg& o, const Registry& registry) {
  if (o.naming == TallyNaming::kRegistry) return FindKey(registry, o.key);
  if (o.naming == TallyNaming::kWorksEntry && o.entry < registry.entries().size()) return &registry.entries()[o.entry];
  return nullptr;
}

std::string TallyName(int kind, int year) {
  return kind == kTallyOrgsKind ? "'organisations'"
                                : fmt::format("'{} {}'", kind == kTallyRankKind ? "rank" : "countries", year);
}

// ROR id -> OpenAlex id pairs the works state (institutions the registry
// knows by one id only).
using RorToOpenAlex = std::unordered_map<RorId, OpenAlexId>;
using OpenAlexToRor = std::unordered_map<OpenAlexId, RorId>;

PartnerKey KeyOf(const RegistryEntry& e, const RorToOpenAlex& learned) {
  if (e.openalex) return e.openalex;
  auto it = learned.find(e.ror);
  return it != learned.end() ? it->second : (e.ror | kRorKeyBit);
}

const RegistryEntry* FindKey(const Registry& registry, PartnerKey key) {
  return (key & kRorKeyBit) ? registry.FindRor(key & ~kRorKeyBit) : registry.FindOpenAlex(key);
}

// FindKey, else, for an OpenAlex id the registry lacks, the entry of the ROR
// id the works state for it.
const RegistryEntry* FindKeyOrStatedRor(const Registry& registry, const OpenAlexToRor& rors, PartnerKey key) {
  const RegistryEntry* e = FindKey(registry, key);
  if (e == nullptr && !(key & kRorKeyBit)) {
    auto it = rors.find(key);
    if (it != rors.end()) e = registry.FindRor(it->second);
  }
  return e;
}

// The top-level organisations a partner key rolls up to through ROR parent
// relations (OpenAlex lineage was already followed by the facts): the
// ancestors without a ROR parent, or the key itself.
void RollUp(const Registry& registry, const RorToOpenAlex& learned, const OpenAlexToRor& rors, PartnerKey key,
            std::vector<PartnerKey>* out) {
  out->clear();
  const RegistryEntry* e = FindKeyOrStatedRor(registry, rors, key);
  if (e == nullptr || e->ror_parents.empty()) {
    out->push_back(key);
    return;
  }
  std::vector<const RegistryEntry*> todo{e};
  std::unordered_set<const RegistryEntry*> seen{e};
  while (!todo.empty()) {
    const RegistryEntry* x = todo.back();
    todo.pop_back();
    bool has_parent = false;
    for (RorId p : x->ror_parents)
      if (const RegistryEntry* pe = registry.FindRor(p)) {
        has_parent = true;
        if (seen.insert(pe).second) todo.push_back(pe);
      }
    if (!has_parent) out->push_back(KeyOf(*x, learned));
  }
  if (out->empty()) out->push_back(key);  // a cycle without a root
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

// A unit's top-level organisations come from two sources: the ids of its
// OpenAlex lineage (`lineage_tops`, as rolled up) and the registry's parents
// (`registry_tops`, from RollUp of the unit itself). A lineage id that the
// registry cannot name (no entry, no ROR id stated for it by the works) beside
// a registry top known by its ROR id only (no OpenAlex id stated for it) is
// most likely one parent under two ids, as Alphabet above Google (OpenAlex
// I4210128969, ROR 02e9yx751): counted apart, that parent would be counted
// twice. When their numbers agree, the unnamed lineage ids are dropped and
// the registry's tops stand for them: a row the registry names, whose works
// are those `indicators --org` gives for its ROR id (the scope holds the
// registry's descendants), where the unnamed id's works are a part of them.
void DropUnnamedLineageTops(const Registry& registry, const OpenAlexToRor& rors,
                            const std::vector<PartnerKey>& registry_tops, std::vector<PartnerKey>* lineage_tops) {
  const auto ror_only = [](PartnerKey k) { return (k & kRorKeyBit) != 0; };
  const auto unnamed = [&](PartnerKey k) { return !ror_only(k) && FindKeyOrStatedRor(registry, rors, k) == nullptr; };
  const auto n_ror_only = std::count_if(registry_tops.begin(), registry_tops.end(), ror_only);
  if (n_ror_only == 0 || std::count_if(lineage_tops->begin(), lineage_tops->end(), unnamed) != n_ror_only) return;
  std::erase_if(*lineage_tops, unnamed);
}

using Readers = std::vector<std::unique_ptr<SegmentReader>>;

// The key of the settle's country-pair table.
constexpr int kPairYearBias = 1 << 20;  // years (0 for none, else 1000..2999) kept non-negative in a pair key
uint64_t PairKey(int year, CountryCode a, CountryCode b) {
  return static_cast<uint64_t>(year + kPairYearBias) << 32 | uint64_t{a} << 16 | b;
}

std::string FactsFileName(uint64_t generation) { return fmt::format("facts-{:08}.bin", generation); }

// Deletes the facts files of generations before `current` - 1 (and any of a
// generation never published).
void RemoveOldFactsFiles(const std::string& dir, uint64_t current) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    unsigned long long g = 0;
    if (name.size() != FactsFileName(0).size() || std::sscanf(name.c_str(), "facts-%llu.bin", &g) != 1) continue;
    if (g + 1 < current || g > current) ::unlink(entry.path().c_str());
  }
}

// Opens one committed segment and checks it against its catalog row.
Result<std::unique_ptr<SegmentReader>> OpenReader(const std::string& dir, const SegmentRow& r, bool verify,
                                                  SegmentReader::Mode mode = SegmentReader::Mode::kFull) {
  auto reader = SegmentReader::Open(SegmentPath(dir, r.name), verify, mode);
  if (!reader.ok()) return reader.status();
  if (reader.value()->works() != r.works || reader.value()->file_bytes() != r.bytes)
    return Status(ErrorCode::kCorrupt, fmt::format("store segment {} does not match its catalog row ({} works, {} "
                                                   "bytes expected)",
                                                   reader.value()->path(), r.works, r.bytes));
  return reader;
}

Status OpenReaders(const std::string& dir, const std::vector<SegmentRow>& rows, bool verify, Readers* out) {
  for (const SegmentRow& r : rows) {
    // Checked, then read again segment by segment (ids and dictionaries are
    // decoded by ComputeGeneration), so that memory stays flat as the store grows.
    auto reader = OpenReader(dir, r, verify, SegmentReader::Mode::kDeferred);
    if (!reader.ok()) return reader.status();
    reader.value()->DropPages();
    out->push_back(std::move(reader.value()));
  }
  return Status::Ok();
}

// De-duplication across segments (newest updated_date, then the later order
// key), merged ids, the world tallies and the manifest checks.
Result<Generation> ComputeGeneration(Db& db, const std::vector<SegmentRow>& rows, const Readers& readers,
                                     const Registry& registry, const CountryPolicy& policy, unsigned threads) {
  Generation g;
  std::unordered_set<OpenAlexId> merged;
  {
    auto s = db.Prepare("SELECT id FROM merged_ids");
    if (!s.ok()) return s.status();
    Status st;
    while (s->Step(&st)) merged.insert(static_cast<OpenAlexId>(s->Int(0)));
    if (!st.ok()) return st;
  }
  const size_t n = readers.size();
  // Ids of every segment (the merge below); dictionaries one segment at a
  // time, so that memory follows the segments in flight, not the store.
  for (const auto& r : readers)
    if (Status st = r->LoadIds(); !st.ok()) return st;
  std::vector<roaring_bitmap_t*> dead(n);
  for (auto& d : dead) d = roaring_bitmap_create();
  struct Head {
    OpenAlexId id;
    uint32_t seg, row;
    bool operator>(const Head& o) const { return id != o.id ? id > o.id : seg > o.seg; }
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heap;
  for (uint32_t s = 0; s < n; ++s)
    if (readers[s]->works() > 0) heap.push(Head{readers[s]->id(0), s, 0});
  uint64_t accepted = 0, cross_duplicates = 0, merged_dropped = 0;
  std::vector<Head> group;
  Status err;
  while (!heap.empty()) {
    group.clear();
    OpenAlexId id = heap.top().id;
    while (!heap.empty() && heap.top().id == id) {
      Head h = heap.top();
      heap.pop();
      group.push_back(h);
      if (h.row + 1 < readers[h.seg]->works()) heap.push(Head{readers[h.seg]->id(h.row + 1), h.seg, h.row + 1});
    }
    ++accepted;
    size_t win = 0;
    if (group.size() > 1) {
      int64_t best_updated = 0;
      for (size_t i = 0; i < group.size(); ++i) {
        auto u = readers[group[i].seg]->Updated(group[i].row);
        if (!u.ok()) return u.status();
        bool better = i == 0 || u.value() > best_updated ||
                      (u.value() == best_updated && rows[group[i].seg].order_key > rows[group[win].seg].order_key);
        if (better) {
          win = i;
          best_updated = u.value();
        }
      }
      cross_duplicates += group.size() - 1;
      for (size_t i = 0; i < group.size(); ++i)
        if (i != win) roaring_bitmap_add(dead[group[i].seg], group[i].row);
    }
    if (merged.count(id)) {
      ++merged_dropped;
      roaring_bitmap_add(dead[group[win].seg], group[win].row);
    }
  }

  const unsigned nthreads = ThreadsFor(threads, n);
  // Each segment's dictionary in segment then entry order: the ROR and
  // OpenAlex id pairs the works state (the first pair stated for an id wins),
  // and the generation's entry table (entries numbered by their stored form,
  // with the keys through which a scope can hold them).
  RorToOpenAlex learned;
  OpenAlexToRor rors;
  g.facts.resize(n);
  {
    std::string key;
    std::vector<uint64_t> keys;
    // In the segments' input order (order_key), not the order their ingest
    // threads committed them in: which pair is stated first must not depend
    // on the threads.  The next segment's dictionary is decompressed on
    // another thread while this one's entries are numbered on this thread.
    std::vector<size_t> by_input(n);
    for (size_t s = 0; s < n; ++s) by_input[s] = s;
    std::sort(by_input.begin(), by_input.end(),
              [&](size_t a, size_t b) { return std::tie(rows[a].order_key, a) < std::tie(rows[b].order_key, b); });
    std::vector<Status> loaded(n);
    auto load = [&](size_t s) { loaded[s] = readers[s]->LoadDictionary(); };
    std::thread ahead;
    struct Join {
      std::thread& t;
      ~Join() {
        if (t.joinable()) t.join();
      }
    } join_ahead{ahead};
    for (size_t k = 0; k < n; ++k) {
      const size_t s = by_input[k];
      if (ahead.joinable())
        ahead.join();
      else
        load(s);
      if (k + 1 < n && nthreads > 1) ahead = std::thread(load, by_input[k + 1]);
      if (!loaded[s].ok()) return loaded[s];
      SegmentReader& r = *readers[s];
      std::vector<uint32_t> globals(r.dict_size()), postings(r.dict_size() + 1);
      for (uint32_t d = 0; d < r.dict_size(); ++d) {
        const InstitutionRef& ref = r.Ref(d);  // parsed by LoadDictionary
        const OpenAlexId* lineage = r.lineage() + ref.lineage_begin;
        const size_t lineage_size = ref.lineage_end - ref.lineage_begin;
        if (ref.id != 0 && ref.ror != 0) {
          learned.emplace(ref.ror, ref.id);
          rors.emplace(ref.id, ref.ror);
        }
        key.clear();
        AppendEntryKey(&key, ref, lineage, lineage_size, r.Name(ref));
        bool fresh = false;
        globals[d] = g.entries.Intern(key, &fresh);
        if (fresh) {
          keys.clear();
          ScopeKeys(ref, lineage, lineage_size, registry, &keys);
          for (uint64_t k : keys) g.entries.AddKey(k, globals[d]);
        }
      }
      for (uint32_t d = 0; d <= r.dict_size(); ++d) {
        if (r.PostingOffset(d) > UINT32_MAX)
          return Status(ErrorCode::kCorrupt, fmt::format("{}: posting lists past 4 GiB", r.path()));
        postings[d] = static_cast<uint32_t>(r.PostingOffset(d));
      }
      g.facts[s] = FactsBlockBuilder(rows[s].id, r.works());
      g.facts[s].SetEntries(std::move(globals), std::move(postings));
      r.ReleaseDictionary();
    }
  }

  // World tallies over the live works, one segment per task.
  // Hash tables while counting (ordered maps cost a cache miss per tree level
  // per work); ordered into g once, when the threads' tallies are merged.
  struct Local {
    // Rolled-up organisations numbered densely per thread; tallies per year
    // by that number.
    std::vector<PartnerKey> org_keys;
    std::unordered_map<PartnerKey, uint32_t> org_dense;
    std::unordered_map<int, std::vector<OrgTally>> org_year;
    std::unordered_map<uint64_t, uint64_t> pairs;  // PairKey(year, a, b)
    std::unordered_map<PartnerKey, std::vector<PartnerKey>> rolled;  // key -> its top-level organisations
    FactsArena arena;
    Status error;
    int first_year = 0, last_year = 0;
  };
  std::vector<Local> locals(nthreads);
  std::atomic<size_t> next{0};
  Scope none = Scope::None();
  auto work = [&](unsigned t) {
    Local& L = locals[t];
    FactsBuilder fb(none, registry, policy);
    const bool have_registry = registry.size() != 0;
    RowShape row_shape;  // a row as stored: names and lineages stay in the dictionary
    WorkFacts facts;
    FactsArena& arena = L.arena;
    std::vector<PartnerKey> tops, direct;
    std::vector<std::pair<uint32_t, double>> share;  // (dense organisation, sum of 1/refs)
    // Per described entry: the partner keys of its last mention and the
    // organisations they and the entry roll up to (dense numbers), reused
    // while a mention of the entry stands for the same partners.
    struct RolledEntry {
      uint32_t direct_begin = 0, direct_end = 0, tops_begin = 0, tops_end = 0;
      bool set = false;
    };
    std::vector<RolledEntry> rolled_entries;
    // Per described entry: the description (key, country, ROR; the name is
    // the entry's) its mentions last gave as a root's and as a partner's
    // name, merged into the thread's maps then: given again, it is skipped.
    struct NameGiven {
      PartnerKey key = 0;
      CountryCode country = kNoCountry;
      RorId ror = 0;
      bool set = false;
    };
    std::vector<NameGiven> root_given, partner_given;
    std::vector<PartnerKey> rolled_direct;
    std::vector<uint32_t> rolled_tops;
    // Each dictionary entry of the segment is described once (as a query
    // does), not at each of its mentions.
    std::vector<int32_t> described_at;
    std::vector<RefFacts> described;
    std::vector<const RefFacts*> mentions;
    RefPool pool;
    for (;;) {
      size_t s = next.fetch_add(1);
      if (s >= n) break;
      SegmentReader& r = *readers[s];
      if (Status st = r.LoadDictionary(); !st.ok()) {
        L.error = st;
        return;
      }
      described_at.assign(r.dict_size(), -1);
      described.clear();
      pool.clear();
      rolled_entries.clear();
      root_given.clear();
      partner_given.clear();
      rolled_direct.clear();
      rolled_tops.clear();
      FactsBlockBuilder& block = g.facts[s];
      for (uint32_t row = 0; row < r.works(); ++row) {
        if (roaring_bitmap_contains(dead[s], row)) continue;
        if (Status st = r.DecodeShape(row, &row_shape); !st.ok()) {
          L.error = st;
          return;
        }
        const std::vector<uint32_t>& entries = row_shape.mentions;
        for (uint32_t d : entries) {  // DecodeShape checked them against dict_size()
          if (described_at[d] >= 0) continue;
          const InstitutionRef& ref = r.Ref(d);
          const OpenAlexId* lineage = r.lineage() + ref.lineage_begin;
          const size_t lineage_size = ref.lineage_end - ref.lineage_begin;
          const RegistryEntry* entry = nullptr;
          const bool in_scope = fb.RefInScope(ref, lineage, lineage_size, &entry);
          if (entry == nullptr && have_registry) entry = registry.Find(ref.id, ref.ror);
          described_at[d] = static_cast<int32_t>(described.size());
          described.emplace_back();
          fb.Describe(ref, lineage, lineage_size, r.Name(ref),
                      entry, in_scope, &described.back(), &pool);
        }
        mentions.resize(entries.size());
        for (size_t i = 0; i < entries.size(); ++i) mentions[i] = &described[described_at[entries[i]]];
        arena.countries.clear();
        arena.partners.clear();
        arena.member_list.clear();
        arena.named.clear();
        // As Decode gives them: the extra countries are the first authorship's.
        if (!row_shape.extra_countries.empty())
          row_shape.authorships[0].country_end = static_cast<uint32_t>(row_shape.extra_countries.size());
        const WorkShape shape{r.id(row),
                              row_shape.year,
                              mentions.data(),
                              mentions.size(),
                              row_shape.authorships.data(),
                              row_shape.authorships.size(),
                              row_shape.extra_countries.data(),
                              &pool};
        fb.BuildDescribed(shape, &facts, &arena, /*intern_names=*/false);
        // Live rows only: the organisations' names, as MergeDescriptions
        // would merge them.
        root_given.resize(described.size());
        partner_given.resize(described.size());
        auto merge_name = [&](const FactsBuilder::Named& nm, bool root) {
          std::string_view name;
          if (nm.name_mention >= 0) {
            const int32_t at = described_at[entries[nm.name_mention]];
            NameGiven& given = (root ? root_given : partner_given)[at];
            if (given.set && given.key == nm.key && given.country == nm.country && given.ror == nm.ror) return;
            given = NameGiven{nm.key, nm.country, nm.ror, true};
            name = described[at].name;
          }
          MergeDescription(nm.key, root, PartnerInfo{std::string(name), nm.country, nm.ror, false}, &arena);
        };
        for (const FactsBuilder::Named& nm : fb.root_names()) merge_name(nm, true);
        for (const FactsBuilder::Named& nm : fb.partner_names()) merge_name(nm, false);
        block.Set(row, facts, arena.countries.data() + facts.countries_begin,
                  facts.countries_end - facts.countries_begin);
        const int year = row_shape.year;
        if (year != 0) {
          L.first_year = L.first_year == 0 ? year : std::min(L.first_year, year);
          L.last_year = std::max(L.last_year, year);
        }
        // Country pairs of K(w); (c, c) holds the country's own P.
        const CountryCode* k = arena.countries.data() + facts.countries_begin;
        const size_t nk = facts.countries_end - facts.countries_begin;
        for (size_t i = 0; i < nk; ++i)
          for (size_t j = i; j < nk; ++j) ++L.pairs[PairKey(year, k[i], k[j])];
        // Organisations rolled up: every top-level ancestor, with its share
        // of the authorships as f_S of INDICATORS.md.
        auto roll = [&](PartnerKey d) -> const std::vector<PartnerKey>& {
          auto [it, fresh] = L.rolled.try_emplace(d);
          if (fresh) RollUp(registry, learned, rors, d, &it->second);
          return it->second;
        };
        auto dense_of = [&](PartnerKey key) {
          auto [it, fresh] = L.org_dense.try_emplace(key, static_cast<uint32_t>(L.org_keys.size()));
          if (fresh) L.org_keys.push_back(key);
          return it->second;
        };
        rolled_entries.resize(described.size());
        share.clear();
        const size_t n_auth = row_shape.authorships.size();
        for (const Authorship& a : row_shape.authorships) {
          const uint32_t refs = a.inst_end - a.inst_begin;
          for (uint32_t i = a.inst_begin; i < a.inst_end; ++i) {
            fb.RefPartners(i, &direct);
            RolledEntry& cached = rolled_entries[described_at[entries[i]]];
            if (!cached.set || !std::equal(direct.begin(), direct.end(), rolled_direct.begin() + cached.direct_begin,
                                           rolled_direct.begin() + cached.direct_end)) {
              tops.clear();
              for (PartnerKey d : direct) {
                const auto& up = roll(d);
                tops.insert(tops.end(), up.begin(), up.end());
              }
              // The unit itself may have ROR parents its lineage does not list.
              const InstitutionRef& ref = r.Ref(entries[i]);
              PartnerKey self = ref.id ? ref.id : (ref.ror ? (ref.ror | kRorKeyBit) : 0);
              if (self != 0) {
                const auto& up = roll(self);
                if (!(up.size() == 1 && up[0] == self)) {
                  DropUnnamedLineageTops(registry, rors, up, &tops);
                  tops.insert(tops.end(), up.begin(), up.end());
                }
              }
              std::sort(tops.begin(), tops.end());
              tops.erase(std::unique(tops.begin(), tops.end()), tops.end());
              cached.set = true;
              cached.direct_begin = static_cast<uint32_t>(rolled_direct.size());
              rolled_direct.insert(rolled_direct.end(), direct.begin(), direct.end());
              cached.direct_end = static_cast<uint32_t>(rolled_direct.size());
              cached.tops_begin = static_cast<uint32_t>(rolled_tops.size());
              for (PartnerKey t : tops) rolled_tops.push_back(dense_of(t));
              cached.tops_end = static_cast<uint32_t>(rolled_tops.size());
            }
            for (uint32_t k = cached.tops_begin; k < cached.tops_end; ++k) {
              const uint32_t t = rolled_tops[k];
              auto it = std::find_if(share.begin(), share.end(), [&](const auto& x) { return x.first == t; });
              if (it == share.end()) {
                share.emplace_back(t, 0.0);
                it = share.end() - 1;
              }
              it->second += 1.0 / refs;
            }
          }
        }
        if (!share.empty()) {
          std::vector<OrgTally>& by_org = L.org_year[year];
          if (by_org.size() < L.org_keys.size()) by_org.resize(L.org_keys.size());
          for (const auto& [t, sum] : share) {
            OrgTally& row_out = by_org[t];
            ++row_out.p;
            if (n_auth > 0) row_out.p_frac.Add(ToFracUnits(sum / static_cast<double>(n_auth)));
            if (facts.flags & kFlagIntCollab) ++row_out.p_int_collab;
          }
        }
      }
      block.Seal();
      r.ReleaseDictionary();
      r.DropPages();
    }
  };
  RunThreads(nthreads, work);
  int first_year = 0, last_year = 0;
  // The threads' tallies in key order, each key's summed in thread order;
  // meanwhile, on this thread, their country pairs and descriptions.
  auto merge_ranks = [&] {
    std::vector<std::tuple<std::pair<int, PartnerKey>, unsigned, const OrgTally*>> all;
    for (unsigned t = 0; t < nthreads; ++t)
      for (const auto& [year, by_org] : locals[t].org_year)
        for (size_t d = 0; d < by_org.size(); ++d)
          if (by_org[d].p != 0) all.emplace_back(std::make_pair(year, locals[t].org_keys[d]), t, &by_org[d]);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) < std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
    });
    for (const auto& [key, t, row] : all) {
      if (g.org_year.empty() || g.org_year.back().first != key) g.org_year.emplace_back(key, OrgTally{});
      OrgTally& into = g.org_year.back().second;
      into.p += row->p;
      into.p_frac.Add(row->p_frac);
      into.p_int_collab += row->p_int_collab;
    }
  };
  {
    std::thread ranks;
    if (nthreads > 1)
      ranks = std::thread(merge_ranks);
    else
      merge_ranks();
    for (Local& L : locals) {
      if (!L.error.ok()) err = L.error;
      for (auto& [key, c] : L.pairs)
        g.pairs[{static_cast<int>(key >> 32) - kPairYearBias, static_cast<CountryCode>(key >> 16 & 0xffff),
                 static_cast<CountryCode>(key & 0xffff)}] += c;
      for (const auto& [key, info] : L.arena.partner_info) MergePartnerInfo(info, &g.orgs[key]);
      if (L.first_year != 0) first_year = first_year == 0 ? L.first_year : std::min(first_year, L.first_year);
      last_year = std::max(last_year, L.last_year);
    }
    if (ranks.joinable()) ranks.join();
  }
  // Names of the ranked organisations: the registry's (through the ROR id
  // the works state for an OpenAlex id it lacks, as RollUp reads it), else as
  // works state them.
  std::unordered_set<PartnerKey> ranked;
  for (const auto& [key, row] : g.org_year) ranked.insert(key.second);
  for (PartnerKey key : ranked)
    if (const RegistryEntry* e = FindKeyOrStatedRor(registry, rors, key))
      g.orgs[key] = PartnerInfo{e->name, policy.Map(e->country), e->ror, true};
  for (auto it = g.orgs.begin(); it != g.orgs.end();)
    it = it->second.name.empty() || !ranked.count(it->first) ? g.orgs.erase(it) : std::next(it);
  for (size_t s = 0; s < n; ++s) {
    roaring_bitmap_run_optimize(dead[s]);
    std::string bytes(roaring_bitmap_portable_size_in_bytes(dead[s]), '\0');
    roaring_bitmap_portable_serialize(dead[s], bytes.data());
    g.dead.push_back(std::move(bytes));
    roaring_bitmap_free(dead[s]);
  }
  if (!err.ok()) return err;

  // Ledger sums and manifest checks.
  auto sum = [&](const char* col) { return QueryInt(db, fmt::format("SELECT COALESCE(SUM({}), 0) FROM files", col)); };
  auto read = sum("records"), rejected = sum("rejected"), dups = sum("duplicates"), bytes = sum("bytes");
  auto files = QueryInt(db, "SELECT COUNT(*) FROM files");
  for (auto* r : {&read, &rejected, &dups, &bytes, &files})
    if (!r->ok()) return r->status();
  std::unordered_map<std::string, std::pair<std::string, int64_t>> listed;
  {
    auto s = db.Prepare("SELECT part_key, manifest, record_count FROM manifests");
    if (!s.ok()) return s.status();
    Status st;
    while (s->Step(&st)) listed[s->Text(0)] = {s->Text(1), s->Int(2)};
    if (!st.ok()) return st;
  }
  int64_t checked = 0, mismatches = 0, absent = 0;
  std::unordered_set<std::string> present;
  {
    auto s = db.Prepare("SELECT path, part_key, records FROM files ORDER BY batch, ord");
    if (!s.ok()) return s.status();
    Status st;
    while (s->Step(&st)) {
      std::string key = s->Text(1);
      auto it = key.empty() ? listed.end() : listed.find(key);
      if (it == listed.end()) continue;
      present.insert(key);
      ++checked;
      if (it->second.second != s->Int(2)) {
        ++mismatches;
        g.manifest_rejects.push_back(Reject{s->Text(0), 0, 0, ErrorCode::kMismatch,
                                            fmt::format("manifest {} lists {} records for part {}; the file holds {}",
                                                        it->second.first, it->second.second, key, s->Int(2))});
      }
    }
    if (!st.ok()) return st;
  }
  for (const auto& [key, where] : listed) absent += !present.count(key);
  uint64_t stored_rows = 0, stored_auth = 0, seg_bytes = 0;
  for (const SegmentRow& r : rows) {
    stored_rows += r.works;
    stored_auth += r.authorships;
    seg_bytes += r.bytes;
  }
  g.totals = {{"read", read.value()},
              {"accepted", static_cast<int64_t>(accepted)},
              {"rejected", rejected.value()},
              {"duplicates", dups.value() + static_cast<int64_t>(cross_duplicates)},
              {"merged_dropped", static_cast<int64_t>(merged_dropped)},
              {"merged_ids_loaded", static_cast<int64_t>(merged.size())},
              {"files", files.value()},
              {"bytes", bytes.value()},
              {"manifest_parts_checked", checked},
              {"manifest_mismatches", mismatches},
              {"manifest_parts_absent", absent},
              {"segments", static_cast<int64_t>(rows.size())},
              {"segment_bytes", static_cast<int64_t>(seg_bytes)},
              {"stored_rows", static_cast<int64_t>(stored_rows)},
              {"stored_authorships", static_cast<int64_t>(stored_auth)},
              {"first_year", first_year},
              {"last_year", last_year}};
  return g;
}

Result<int64_t> GetMetaInt(Db& db, const std::string& key, int64_t absent);

Status PublishGeneration(Db& db, const std::vector<SegmentRow>& rows, const Generation& g, const Registry& registry,
                         const CountryPolicy& policy) {
  if (Status st = db.Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  auto fail = [&](Status st) {
    db.Exec("ROLLBACK");
    return st;
  };
  // The tables of catalog format 2 and older, replaced by `tallies` (format 3).
  for (const char* sql : {"DELETE FROM live", "DELETE FROM totals", "DELETE FROM tallies",
                          "DROP TABLE IF EXISTS org_year", "DROP TABLE IF EXISTS orgs",
                          "DROP TABLE IF EXISTS country_pairs", "DELETE FROM rejects WHERE file_id IS NULL AND code = 7"})
    if (Status st = db.Exec(sql); !st.ok()) return fail(st);
  static_assert(static_cast<int>(ErrorCode::kMismatch) == 7, "manifest rejects are deleted by code");
  auto live = db.Prepare("INSERT INTO live(segment_id, dead) VALUES(?, ?)");
  auto tot = db.Prepare("INSERT INTO totals(key, value) VALUES(?, ?)");
  auto tally = db.Prepare("INSERT INTO tallies(kind, year, data) VALUES(?, ?, ?)");
  auto rej = db.Prepare("INSERT INTO rejects(file_id, path, line, offset, code, reason) VALUES(NULL, ?, 0, 0, ?, ?)");
  for (auto* s : {&live, &tot, &tally, &rej})
    if (!s->ok()) return fail(s->status());
  for (size_t i = 0; i < rows.size(); ++i) {
    live->Bind(1, rows[i].id).BindBlob(2, g.dead[i]);
    if (Status st = live->Run(); !st.ok()) return fail(st);
  }
  for (const auto& [k, v] : g.totals) {
    tot->Bind(1, k).Bind(2, v);
    if (Status st = tot->Run(); !st.ok()) return fail(st);
  }
  // Organisations named by the registry refer to it (its fingerprint kept, for readers to check).
  for (const auto& [at, blob] : EncodeTallies(TalliesOf(g, registry, policy))) {
    tally->Bind(1, int64_t{at.first}).Bind(2, int64_t{at.second}).BindBlob(3, blob);
    if (Status st = tally->Run(); !st.ok()) return fail(st);
  }
  for (const Reject& r : g.manifest_rejects) {
    rej->Bind(1, r.file).Bind(2, static_cast<int64_t>(r.code)).Bind(3, r.reason);
    if (Status st = rej->Run(); !st.ok()) return fail(st);
  }
  // Format 3 from now on; a format-1 catalog stays 1 until its registry rows are rewritten.
  auto version = GetMeta(db, "format_version");
  if (!version.ok()) return fail(version.status());
  if (version.value() == "2")
    if (Status st = SetMeta(db, "format_version", std::to_string(kCatalogFormatVersion)); !st.ok()) return fail(st);
  if (Status st = SetMeta(db, "generation", std::to_string(g.number)); !st.ok()) return fail(st);
  if (Status st = SetMeta(db, "facts_file", g.facts_file); !st.ok()) return fail(st);
  if (Status st = db.Exec("DELETE FROM meta WHERE key = 'open_batch'"); !st.ok()) return fail(st);
  return db.Exec("COMMIT");
}

// The catalog format and the registries that resolved export files.  A
// catalog only ever opened by readers since format 1 has no export_files.
Status LoadExportResolutions(Db& db, StoreTotals* out) {
  auto version = GetMeta(db, "format_version");
  if (!version.ok()) return version.status();
  out->catalog_format = version->empty() ? 0 : std::stoi(version.value());
  out->exports.clear();
  auto has_table = QueryInt(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'export_files'");
  if (!has_table.ok()) return has_table.status();
  if (has_table.value() == 0) return Status::Ok();
  auto current = GetMeta(db, "registry_crc");
  if (!current.ok()) return current.status();
  auto s = db.Prepare(
      "SELECT e.registry_crc, e.registry_orgs, e.registry_files, e.format, COUNT(*) FROM export_files e "
      "JOIN files f ON f.path = e.path GROUP BY e.registry_crc, e.format ORDER BY MIN(f.batch), e.registry_crc, e.format");
  if (!s.ok()) return s.status();
  Status st;
  while (s->Step(&st)) {
    const uint32_t crc = static_cast<uint32_t>(s->Int(0));
    auto it = std::find_if(out->exports.begin(), out->exports.end(),
                           [&](const ExportResolution& r) { return r.registry_crc == crc; });
    if (it == out->exports.end()) {
      ExportResolution r;
      r.registry_crc = crc;
      r.organisations = static_cast<uint64_t>(s->Int(1));
      r.registry_files = s->Text(2);
      r.current = current.value() == std::to_string(crc);
      out->exports.push_back(std::move(r));
      it = out->exports.end() - 1;
    }
    it->files += static_cast<uint64_t>(s->Int(4));
    it->formats += fmt::format("{}{} {}", it->formats.empty() ? "" : ", ", s->Text(3), s->Int(4));
  }
  return st;
}

bool HasTable(Db& db, const char* name) {
  auto n = QueryInt(db, fmt::format("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{}'", name));
  return n.ok() && n.value() > 0;
}

// A meta value written as an integer; `absent` when unset.  Anything else
// is damage (an error, not an exception).
Result<int64_t> GetMetaInt(Db& db, const std::string& key, int64_t absent) {
  auto v = GetMeta(db, key);
  if (!v.ok()) return v.status();
  if (v->empty()) return absent;
  int64_t n = 0;
  const char* end = v->data() + v->size();
  if (auto [at, ec] = std::from_chars(v->data(), end, n); ec != std::errc() || at != end)
    return Status(ErrorCode::kCorrupt, fmt::format("store catalog: meta.{} is not a number: '{}'", key, v.value()));
  return n;
}

// The store's view setting (meta.views_min_works, else the default).
Result<int64_t> ViewsMinWorks(Db& db) { return GetMetaInt(db, "views_min_works", kDefaultViewsMinWorks); }

// How many stored answers the generation has, and the store's threshold (a
// catalog only ever opened by readers since it was made by an older
// coopscope has no views table).
Status LoadViewTotals(Db& db, StoreTotals* T) {
  auto min = ViewsMinWorks(db);
  if (!min.ok()) return min.status();
  T->views_min_works = min.value();
  if (!HasTable(db, "views")) return Status::Ok();
  const std::string g = std::to_string(T->generation);
  auto n = QueryInt(db, "SELECT COUNT(*) FROM views WHERE generation = " + g);
  if (!n.ok()) return n.status();
  T->views = static_cast<uint64_t>(n.value());
  return Status::Ok();
}

// Replaces the stored answers by those of generation `generation`.
Status StoreViews(Db& db, uint64_t generation, const std::vector<ViewRow>& views) {
  if (Status st = db.Exec("BEGIN IMMEDIATE; DELETE FROM views; DELETE FROM view_keys;"); !st.ok()) return st;
  auto fail = [&](Status st) {
    db.Exec("ROLLBACK");
    return st;
  };
  auto v = db.Prepare("INSERT INTO views(generation, id, org, works, view) VALUES(?, ?, ?, ?, ?)");
  auto k = db.Prepare("INSERT INTO view_keys(generation, key, id) VALUES(?, ?, ?)");
  for (auto* q : {&v, &k})
    if (!q->ok()) return fail(q->status());
  const auto gen = static_cast<int64_t>(generation);
  for (size_t i = 0; i < views.size(); ++i) {
    const ViewRow& r = views[i];
    v->Bind(1, gen).Bind(2, static_cast<int64_t>(i)).Bind(3, static_cast<int64_t>(r.org));
    v->Bind(4, static_cast<int64_t>(r.works)).BindBlob(5, r.view);
    if (Status st = v->Run(); !st.ok()) return fail(st);
    for (const std::string& key : r.keys) {
      k->Bind(1, gen).Bind(2, key).Bind(3, static_cast<int64_t>(i));
      if (Status st = k->Run(); !st.ok()) return fail(st);
    }
  }
  return db.Exec("COMMIT");
}

// The store-wide figures of the last published generation, from the catalog.
Status LoadTotals(Db& db, const std::string& generation, const std::string& policy_text, StoreTotals* out) {
  std::map<std::string, int64_t> t;
  {
    auto s = db.Prepare("SELECT key, value FROM totals");
    if (!s.ok()) return s.status();
    Status st;
    while (s->Step(&st)) t[s->Text(0)] = s->Int(1);
    if (!st.ok()) return st;
  }
  StoreTotals& T = *out;
  IngestReport& g = T.ingest;
  g.read = t["read"];
  g.accepted = t["accepted"];
  g.rejected = t["rejected"];
  g.duplicates = t["duplicates"];
  g.merged_dropped = t["merged_dropped"];
  g.merged_ids_loaded = t["merged_ids_loaded"];
  g.files = t["files"];
  g.bytes = t["bytes"];
  g.manifest_parts_checked = t["manifest_parts_checked"];
  g.manifest_mismatches = t["manifest_mismatches"];
  g.manifest_parts_absent = t["manifest_parts_absent"];
  T.generation = std::stoull(generation);
  T.segments = t["segments"];
  T.segment_bytes = t["segment_bytes"];
  T.stored_rows = t["stored_rows"];
  T.stored_authorships = t["stored_authorships"];
  T.live_works = g.accepted - g.merged_dropped;
  T.first_year = static_cast<int>(t["first_year"]);
  T.last_year = static_cast<int>(t["last_year"]);
  T.policy = policy_text;
  if (Status st = LoadViewTotals(db, &T); !st.ok()) return st;
  return LoadExportResolutions(db, &T);
}

// Replaces the catalog's registry (and the list of its files) by `registry`.
Status StoreRegistry(Db& db, const Registry& registry) {
  if (Status st = db.Exec("BEGIN IMMEDIATE; DELETE FROM registry; DELETE FROM registry_files;"); !st.ok()) return st;
  auto fail = [&](Status st) {
    db.Exec("ROLLBACK");
    return st;
  };
  auto ins = db.Prepare("INSERT INTO registry(idx, entry) VALUES(?, ?)");
  auto files = db.Prepare("INSERT OR REPLACE INTO registry_files(path, size, format, records) VALUES(?, ?, ?, ?)");
  if (!ins.ok()) return fail(ins.status());
  if (!files.ok()) return fail(files.status());
  for (size_t i = 0; i < registry.entries().size(); ++i) {
    ins->Bind(1, static_cast<int64_t>(i)).BindBlob(2, EncodeEntry(registry.entries()[i]));
    if (Status st = ins->Run(); !st.ok()) return fail(st);
  }
  for (const auto& l : registry.loads()) {
    auto size = FileSize(l.file);
    files->Bind(1, l.file).Bind(2, static_cast<int64_t>(size.ok() ? size.value() : 0)).Bind(3, l.format);
    files->Bind(4, static_cast<int64_t>(l.records));
    if (Status st = files->Run(); !st.ok()) return fail(st);
  }
  if (Status st = db.Exec("DELETE FROM meta WHERE key = 'pending_registry'"); !st.ok()) return fail(st);
  // Rows in the encoding of this version: a version-1 catalog is one of version 2 from now on.
  if (Status st = SetMeta(db, "registry_crc", std::to_string(RegistryCrc(registry))); !st.ok()) return fail(st);
  if (Status st = SetMeta(db, "format_version", std::to_string(kCatalogFormatVersion)); !st.ok()) return fail(st);
  return db.Exec("COMMIT");
}

// ------------------------------------------------------------ the lock

class DirLock {
 public:
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Acquire(const std::string& dir) {
    std::string path = dir + "/LOCK";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status(ErrorCode::kIo, fmt::format("cannot open {}", path));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
      return Status(ErrorCode::kIo, fmt::format("another coopscope process is writing the store {}", dir));
    // A POSIX record lock too, which readers can test (WriterRunning) without
    // taking anything that would stop a writer from starting.
    struct flock record = {};
    record.l_type = F_WRLCK;
    record.l_whence = SEEK_SET;
    ::fcntl(fd_, F_SETLK, &record);
    return Status::Ok();
  }

 private:
  int fd_ = -1;
};

// Whether a writer (build or update) holds the store now: F_GETLK only
// reports the writer's record lock, it takes none.
bool WriterRunning(const std::string& dir) {
  int fd = ::open((dir + "/LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock probe = {};
  probe.l_type = F_RDLCK;
  probe.l_whence = SEEK_SET;
  bool held = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return held;
}

Status OpenCatalog(const std::string& dir, bool create, Db* db) {
  std::string path = dir + "/store.db";
  if (!create && ::access(path.c_str(), F_OK) != 0)
    return Status(ErrorCode::kNotFound, fmt::format("{} is not a coopscope store (no store.db); create it with "
                                                    "`coopscope store build {} INPUTS…`",
                                                    dir, dir));
  if (Status st = db->Open(path, create); !st.ok()) return st;
  // A new catalog has pages of 1 KiB (it only takes effect before the first
  // table): a store has two dozen tables of a row or two, each a page, and
  // its blobs end in half a page on average (docs/store-format.md).
  if (create)
    if (Status st = db->Exec("PRAGMA page_size=1024"); !st.ok()) return st;
  // Pages read through a mapping: a stored answer is a megabyte or more of overflow pages.
  if (Status st = db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA mmap_size=1073741824;"); !st.ok())
    return st;
  return Status::Ok();
}

// Checks (or, creating, sets) meta.format_version.
Status CheckFormat(Db& db, bool create) {
  auto version = GetMeta(db, "format_version");
  if (!version.ok()) return version.status();
  if (version->empty()) {
    if (!create) return Status(ErrorCode::kCorrupt, "store catalog has no format version");
    return SetMeta(db, "format_version", std::to_string(kCatalogFormatVersion));
  }
  for (int v = kOldestCatalogFormatVersion; v <= kCatalogFormatVersion; ++v)
    if (version.value() == std::to_string(v)) return Status::Ok();
  return Status(ErrorCode::kCorrupt, fmt::format("store catalog format version {}; this coopscope reads {} to {}",
                                                 version.value(), kOldestCatalogFormatVersion,
                                                 kCatalogFormatVersion));
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// CPU seconds of the process so far (all threads).
double CpuSeconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Creates or opens the store for its one writer: the lock, the catalog, and
// the segment files a killed run wrote but never committed removed.
Status OpenForWriting(const std::string& dir, DirLock* lock, Db* db) {
  if (Status st = MakeDir(dir); !st.ok()) return st;
  if (Status st = MakeDir(dir + "/segments"); !st.ok()) return st;
  if (Status st = lock->Acquire(dir); !st.ok()) return st;
  if (Status st = OpenCatalog(dir, true, db); !st.ok()) return st;
  if (Status st = db->Exec(kSchema); !st.ok()) return st;
  if (Status st = CheckFormat(*db, true); !st.ok()) return st;
  auto committed = LoadSegmentRows(*db, false);
  if (!committed.ok()) return committed.status();
  std::unordered_set<std::string> known;
  for (const auto& r : committed.value()) known.insert(r.name);
  if (DIR* d = ::opendir((dir + "/segments").c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      if (!known.count(name)) ::unlink(SegmentPath(dir, name).c_str());
    }
    ::closedir(d);
  }
  return Status::Ok();
}

// The batch of this run: a killed run's batch is resumed, else a new one.
Result<int64_t> OpenBatch(Db& db) {
  auto open_batch = GetMeta(db, "open_batch");
  if (!open_batch.ok()) return open_batch.status();
  if (!open_batch->empty()) return std::stoll(open_batch.value());
  auto max_batch = QueryInt(db, "SELECT COALESCE(MAX(batch), 0) FROM files");
  if (!max_batch.ok()) return max_batch.status();
  if (Status st = SetMeta(db, "open_batch", std::to_string(max_batch.value() + 1)); !st.ok()) return st;
  return max_batch.value() + 1;
}

CountryPolicy PolicyFromText(const std::string& text) {
  CountryPolicy p = CountryPolicy::Identity();
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    p.AddRule(text.substr(start, end - start));
    start = end + 1;
  }
  return p;
}

// Settles the committed segments and publishes the generation; fills
// summary->totals.
Status SettleAndPublish(const std::string& dir, Db& db, const Registry& registry, const CountryPolicy& policy,
                        unsigned threads, RejectLog* rejects, IngestSummary* summary) {
  auto phase = std::chrono::steady_clock::now();
  const double cpu_mark = CpuSeconds();
  auto rows = LoadSegmentRows(db, false);
  if (!rows.ok()) return rows.status();
  auto min_works = ViewsMinWorks(db);
  if (!min_works.ok()) return min_works.status();
  // The stored answers list the registry names that lead to them, through
  // the registry's name index: built meanwhile on another thread, which the
  // settle's sequential dictionary pass leaves mostly idle.
  std::thread name_index;
  struct JoinNameIndex {
    std::thread& t;
    ~JoinNameIndex() {
      if (t.joinable()) t.join();
    }
  } join_name_index{name_index};
  if (min_works.value() > 0 && registry.size() > 0 && threads != 1)
    name_index = std::thread([&registry] { registry.FindByName(""); });
  Readers readers;
  if (Status st = OpenReaders(dir, rows.value(), true, &readers); !st.ok()) return st;
  auto gen = ComputeGeneration(db, rows.value(), readers, registry, policy, threads);
  if (!gen.ok()) return gen.status();
  summary->settle_seconds = SecondsSince(phase);
  summary->settle_cpu_seconds = CpuSeconds() - cpu_mark;
  phase = std::chrono::steady_clock::now();
  // The facts file of the next generation, written (fsynced, renamed) before
  // the catalog names it.  Files of older generations are deleted once the
  // new one is published, but for the previous one, which readers that
  // opened it just before may still be reading (those who miss it fall back
  // to decoding the works).
  auto current = QueryInt(db, "SELECT COALESCE(MAX(CAST(value AS INTEGER)), 0) FROM meta WHERE key = 'generation'");
  if (!current.ok()) return current.status();
  const uint64_t next = static_cast<uint64_t>(current.value()) + 1;
  gen->number = next;
  gen->facts_file = FactsFileName(next);
  if (Status st = WriteFileAtomically(dir + "/" + gen->facts_file, EncodeFactsFile(next, gen->facts, &gen->entries));
      !st.ok())
    return st;
  gen->facts.clear();
  // The registry's size, for readers that do not decode it (catalogs
  // written before it was kept are counted once here).
  auto registry_rows = QueryInt(db, "SELECT COUNT(*) FROM registry");
  if (!registry_rows.ok()) return registry_rows.status();
  if (Status st = SetMeta(db, "registry_rows", std::to_string(registry_rows.value())); !st.ok()) return st;
  // A catalog of format 2 or older loses its tally tables in the publishing
  // transaction; their pages (and the older views') are given back to the
  // file system once the views are written again.
  auto old_tables = QueryInt(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'org_year'");
  if (!old_tables.ok()) return old_tables.status();
  if (Status st = PublishGeneration(db, rows.value(), gen.value(), registry, policy); !st.ok()) return st;
  RemoveOldFactsFiles(dir, next);
  for (const Reject& r : gen->manifest_rejects) rejects->Add(r);
  // The stored answers of the new generation, computed as queries would from
  // what was just published, in a transaction of their own: a run killed
  // before it leaves a generation without views, whose queries read the
  // works (the same answers, slower), until the next settle.
  const auto views_phase = std::chrono::steady_clock::now();
  size_t reaching = 0;  // organisations whose works over all years reach the threshold
  {
    std::unordered_map<PartnerKey, uint64_t> works;
    for (const auto& [key, row] : gen->org_year) works[key.second] += row.p;
    for (const auto& [key, n] : works) reaching += n >= static_cast<uint64_t>(min_works.value());
  }
  if (min_works.value() > 0 && reaching > 0) {  // else no registry to decode again
    auto snap = Snapshot::OpenWith(dir, registry);  // the registry just stored, not decoded again
    if (!snap.ok()) return snap.status();
    auto views = snap.value()->ComputeViews(static_cast<uint64_t>(min_works.value()), threads);
    if (!views.ok()) return views.status();
    if (Status st = StoreViews(db, next, views.value()); !st.ok()) return st;
    summary->views = views->size();
  } else if (Status st = StoreViews(db, next, {}); !st.ok()) {
    return st;
  }
  summary->views_seconds = SecondsSince(views_phase);
  if (old_tables.value() > 0) db.Exec("VACUUM");  // best effort: a reader may hold the file open
  auto generation = GetMeta(db, "generation");
  if (!generation.ok()) return generation.status();
  auto policy_text = GetMeta(db, "policy");
  if (!policy_text.ok()) return policy_text.status();
  // The published figures, read back from the catalog (as Snapshot::Open
  // does, without decoding the registry again).
  Status st = LoadTotals(db, generation.value(), policy_text.value(), &summary->totals);
  summary->publish_seconds = SecondsSince(phase) - summary->views_seconds;
  return st;
}

}  // namespace

// ============================================================ ingest

Result<IngestSummary> Ingest(const std::string& dir, const IngestOptions& o, RejectLog* rejects) {
  IngestSummary summary;
  const bool exists = ::access((dir + "/store.db").c_str(), F_OK) == 0;
  if (o.update && !exists)
    return Status(ErrorCode::kNotFound, fmt::format("{} is not a store; `coopscope store build` creates one", dir));
  // The inputs and their formats, known before anything is created.  The
  // ledger knows files by their canonical path, however they are named.
  std::vector<std::string> canonical;
  for (const auto& path : o.inputs) {
    std::error_code ec;
    auto c = std::filesystem::canonical(path, ec);
    if (ec) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path));
    canonical.push_back(c.string());
  }
  auto inputs = DiscoverInputs(canonical);
  if (!inputs.ok()) return inputs.status();
  if (inputs->data_files.empty() && !exists) return Status(ErrorCode::kNotFound, "no work files among the inputs");
  std::vector<InputFormat> formats;
  size_t first_export = inputs->data_files.size();
  for (size_t i = 0; i < inputs->data_files.size(); ++i) {
    auto format = DetectInputFormat(inputs->data_files[i]);
    if (!format.ok()) return format.status();
    formats.push_back(format.value());
    if (IsExportFormat(format.value()) && first_export == inputs->data_files.size()) first_export = i;
  }
  const bool has_exports = first_export < inputs->data_files.size();
  // Exports are resolved by the matcher of a registry: without one, refused.
  auto refuse_exports = [&](std::string_view why) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} is a {} export: {}; give --registry ROR.json.gz (the registry `coopscope indicators "
                              "--registry` would read with these files)",
                              inputs->data_files[first_export], InputFormatName(formats[first_export]), why));
  };
  if (has_exports && !exists && o.registries.empty())
    return refuse_exports("the store resolves the affiliations of exports with a registry's matcher, and none is given");
  DirLock lock;
  Db db;
  if (Status st = OpenForWriting(dir, &lock, &db); !st.ok()) return st;
  auto catalog_format = GetMeta(db, "format_version");
  if (!catalog_format.ok()) return catalog_format.status();

  using Clock = std::chrono::steady_clock;
  auto since = SecondsSince;
  auto cpu_now = CpuSeconds;
  double cpu_mark = 0;
  // Registry: replaced when files are given.  A new one is parsed on its own
  // thread while the files are read (only the settle step needs it) and
  // stored in the catalog after them; the stored one is read now.  Until it
  // is stored, meta.pending_registry names its files, so that a run killed
  // before then and resumed without --registry still loads them.
  auto phase = Clock::now();
  std::vector<std::string> registry_files = o.registries;
  std::string registry_names;  // newline-separated: where the registry of this run comes from
  if (registry_files.empty()) {
    auto pending = GetMeta(db, "pending_registry");
    if (!pending.ok()) return pending.status();
    registry_names = pending.value();
    for (size_t start = 0; start < pending->size();) {
      size_t end = std::min(pending->find('\n', start), pending->size());
      registry_files.push_back(pending->substr(start, end - start));
      start = end + 1;
    }
  } else {
    for (const auto& path : registry_files) {
      std::error_code ec;
      auto c = std::filesystem::absolute(path, ec);
      registry_names += (registry_names.empty() ? "" : "\n") + (ec ? path : c.string());
    }
    if (Status st = SetMeta(db, "pending_registry", registry_names); !st.ok()) return st;
  }
  const bool registry_new = !registry_files.empty();
  Registry registry;
  Status registry_status;
  std::jthread registry_loader;  // declared after what it fills: joined first on every return
  if (!registry_files.empty()) {
    for (const auto& path : registry_files)
      if (auto size = FileSize(path); !size.ok())
        return Status(size.status().code(), fmt::format("registry {}: {}", path, size.status().message()));
    registry_loader = std::jthread([&] {
      RejectLog registry_rejects;
      for (const auto& path : registry_files)
        if (Status st = registry.Load(path, &registry_rejects); !st.ok()) {
          registry_status = Status(st.code(), fmt::format("registry {}: {}", path, st.message()));
          return;
        }
    });
  } else {
    if (Status st = LoadRegistry(db, &registry); !st.ok()) return st;
    // The stored registry resolves exports when no other is given.
    if (has_exports && registry.size() == 0) return refuse_exports("the store holds no registry to resolve it with");
    if (has_exports && catalog_format.value() == "1")
      return refuse_exports("the store's registry was kept by an older coopscope (catalog format 1) without the "
                            "acronyms and cities the matcher reads");
    auto names = db.Prepare("SELECT path FROM registry_files ORDER BY rowid");
    if (!names.ok()) return names.status();
    Status st;
    while (names->Step(&st)) registry_names += (registry_names.empty() ? "" : "\n") + names->Text(0);
    if (!st.ok()) return st;
  }
  summary.registry_seconds = since(phase);
  // The matcher of exports, built once, by the first thread to meet an
  // export, from the registry once it is loaded: OpenAlex files are read
  // meanwhile (they come first), and every export is resolved with it.
  struct ExportMatcher {
    std::once_flag once;
    std::unique_ptr<AffiliationMatcher> matcher;
    Status status;
    uint32_t registry_crc = 0;
    uint64_t organisations = 0;
  } export_matcher;
  auto matcher_for_exports = [&]() -> const AffiliationMatcher* {
    std::call_once(export_matcher.once, [&] {
      if (registry_loader.joinable()) registry_loader.join();
      if (!registry_status.ok()) {
        export_matcher.status = registry_status;
      } else if (registry.size() == 0) {
        export_matcher.status = Status(ErrorCode::kInvalidArgument,
                                       "the registry holds no organisations: exports cannot be resolved");
      } else {
        export_matcher.matcher = std::make_unique<AffiliationMatcher>(registry);
        export_matcher.registry_crc = RegistryCrc(registry);
        export_matcher.organisations = registry.size();
      }
    });
    return export_matcher.matcher.get();
  };

  // Manifests and merged ids: recorded once, used by every settle.
  if (Status st = db.Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  {
    auto man = db.Prepare("INSERT OR REPLACE INTO manifests(part_key, manifest, record_count) VALUES(?, ?, ?)");
    if (!man.ok()) return man.status();
    for (const Manifest& m : inputs->manifests)
      for (const ManifestEntry& e : m.entries) {
        man->Bind(1, e.part_key).Bind(2, m.path).Bind(3, static_cast<int64_t>(e.record_count));
        if (Status st = man->Run(); !st.ok()) return st;
      }
    std::vector<std::string> merged_files = o.merged_id_files;
    merged_files.insert(merged_files.end(), inputs->merged_id_files.begin(), inputs->merged_id_files.end());
    auto seen = db.Prepare("SELECT size FROM merged_files WHERE path = ?");
    auto note = db.Prepare("INSERT OR REPLACE INTO merged_files(path, size) VALUES(?, ?)");
    auto ids = db.Prepare("INSERT OR IGNORE INTO merged_ids(id) VALUES(?)");
    auto rej = db.Prepare("INSERT INTO rejects(file_id, path, line, offset, code, reason) VALUES(-1, ?, ?, ?, ?, ?)");
    for (auto* s : {&seen, &note, &ids, &rej})
      if (!s->ok()) return s->status();
    for (const auto& path : merged_files) {
      auto size = FileSize(path);
      if (!size.ok()) return size.status();
      seen->Reset();
      seen->Bind(1, path);
      Status st;
      bool known = seen->Step(&st) && seen->Int(0) == static_cast<int64_t>(size.value());
      seen->Reset();
      if (known) continue;
      std::unordered_set<OpenAlexId> set;
      std::vector<Reject> local;
      if (Status rs = ReadMergedIds(path, &set, &local); !rs.ok()) return rs;
      for (OpenAlexId id : set) {
        ids->Bind(1, static_cast<int64_t>(id));
        if (Status is = ids->Run(); !is.ok()) return is;
      }
      for (const Reject& r : local) {
        rej->Bind(1, r.file).Bind(2, static_cast<int64_t>(r.line)).Bind(3, static_cast<int64_t>(r.offset));
        rej->Bind(4, static_cast<int64_t>(r.code)).Bind(5, r.reason);
        if (Status is = rej->Run(); !is.ok()) return is;
        rejects->Add(r);
      }
      note->Bind(1, path).Bind(2, static_cast<int64_t>(size.value()));
      if (Status is = note->Run(); !is.ok()) return is;
    }
  }
  auto opened_batch = OpenBatch(db);
  if (!opened_batch.ok()) return opened_batch.status();
  const int64_t batch = opened_batch.value();
  if (Status st = SetMeta(db, "policy", PolicyText(o.policy)); !st.ok()) return st;
  if (o.views_min_works >= 0)
    if (Status st = SetMeta(db, "views_min_works", std::to_string(o.views_min_works)); !st.ok()) return st;
  if (Status st = db.Exec("COMMIT"); !st.ok()) return st;

  // Which files are new.
  struct Pending {
    uint32_t ord;
    std::string path;
    uint64_t size;
    InputFormat format;
  };
  std::vector<Pending> pending;
  {
    auto find = db.Prepare("SELECT size FROM files WHERE path = ?");
    if (!find.ok()) return find.status();
    for (uint32_t i = 0; i < inputs->data_files.size(); ++i) {
      const std::string& path = inputs->data_files[i];
      auto size = FileSize(path);
      if (!size.ok()) return size.status();
      find->Reset();
      find->Bind(1, path);
      Status st;
      if (find->Step(&st)) {
        if (find->Int(0) != static_cast<int64_t>(size.value()))
          return Status(ErrorCode::kInvalidArgument,
                        fmt::format("{} changed since it was ingested ({} bytes then, {} now); a snapshot's parts "
                                    "never change: give the new part under its own name",
                                    path, find->Int(0), size.value()));
        ++summary.files_skipped;
        continue;
      }
      if (!st.ok()) return st;
      if (i >= (1u << kOrdBits)) return Status(ErrorCode::kInvalidArgument, "too many input files in one batch");
      pending.push_back(Pending{i, path, size.value(), formats[i]});
    }
  }
  // OpenAlex files first (while the registry loads), exports after; largest
  // first for balance.  Commits happen as files finish; the order keys keep
  // the input order.
  std::stable_sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    if (IsExportFormat(a.format) != IsExportFormat(b.format)) return !IsExportFormat(a.format);
    return a.size > b.size;
  });

  phase = Clock::now();
  cpu_mark = cpu_now();
  const unsigned threads = ThreadsFor(o.threads, pending.size());
  std::mutex db_mu;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  Status first_error;
  auto run = [&] {
    JsonRecordReader reader(o.limits, nullptr);
    WorkParser parser;
    Work work;
    SegmentWriter writer;
    std::unique_ptr<WorkResolver> resolver;  // made at this thread's first export
    for (;;) {
      size_t slot = next.fetch_add(1);
      if (slot >= pending.size() || stop.load()) break;
      const Pending& p = pending[slot];
      std::vector<Reject> file_rejects;
      ReadCounts counts;
      std::vector<std::pair<std::string, SegmentStats>> written;
      Status werr;
      auto flush = [&] {
        uint32_t part = static_cast<uint32_t>(written.size());
        std::string name = fmt::format("b{:04}-f{:07}-p{:03}.seg", batch, p.ord, part);
        auto stats = writer.Finish(SegmentPath(dir, name));
        if (!stats.ok()) {
          werr = stats.status();
          return;
        }
        written.emplace_back(name, stats.value());
      };
      // Every accepted record, of either kind, with its byte offset: the
      // later version of a work in a file wins, as in streaming runs.
      auto add = [&](const Work& w, const RecordPos& pos) {
        writer.Add(w, pos.offset);
        if ((writer.pending() >= kSegmentMaxWorks || writer.pending_bytes() >= kSegmentMaxPendingBytes) && werr.ok())
          flush();
      };
      const bool is_export = IsExportFormat(p.format);
      Status st;
      if (is_export) {
        if (const AffiliationMatcher* matcher = matcher_for_exports(); matcher == nullptr) {
          st = export_matcher.status;
        } else {
          if (!resolver) resolver = std::make_unique<WorkResolver>(*matcher);
          st = ReadExportWorks(p.path, p.format, o.limits, resolver.get(), &work, add, &file_rejects, &counts,
                               o.progress_bytes, o.progress_records);
        }
      } else {
        bool parsed = false;
        RecordFn fn = [&](simdjson::ondemand::object& obj, const RecordPos&) -> Status {
          Status ps = parser.Parse(obj, &work);
          parsed = ps.ok();
          return ps;
        };
        reader.set_rejects(&file_rejects);
        reader.set_progress(o.progress_bytes, o.progress_records);
        reader.set_on_accept([&](const RecordPos& pos) {
          if (parsed) add(work, pos);
        });
        st = reader.ReadFile(p.path, fn, &counts);
      }
      if (st.ok() && werr.ok() && (writer.pending() > 0 || written.empty())) flush();
      if (st.ok()) st = werr;
      uint32_t seen_crc = 0;  // taken while reading OpenAlex JSON, else read again
      auto crc = !st.ok()                                          ? Result<uint32_t>(st)
                 : !is_export && reader.last_file_crc(&seen_crc) ? Result<uint32_t>(seen_crc)
                                                                   : FileCrc(p.path);
      if (st.ok() && written.size() >= (1u << kPartBits)) st = Status(ErrorCode::kInvalidArgument, "file too large");
      if (st.ok() && !crc.ok()) st = crc.status();
      std::lock_guard lock(db_mu);
      if (!st.ok()) {
        if (first_error.ok()) first_error = Status(st.code(), fmt::format("{}: {}", p.path, st.message()));
        stop = true;
        break;
      }
      // One transaction: the file's ledger row, its segments and rejects.
      uint64_t dups = 0;
      for (auto& [name, s] : written) dups += s.duplicates;
      Status cs = db.Exec("BEGIN IMMEDIATE");
      auto ins = db.Prepare(
          "INSERT INTO files(batch, ord, path, size, crc32, part_key, records, rejected, duplicates, bytes) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (cs.ok() && ins.ok()) {
        ins->Bind(1, batch).Bind(2, int64_t{p.ord}).Bind(3, p.path).Bind(4, static_cast<int64_t>(p.size));
        ins->Bind(5, int64_t{crc.value()}).Bind(6, PartKey(p.path)).Bind(7, static_cast<int64_t>(counts.records));
        ins->Bind(8, static_cast<int64_t>(counts.rejected)).Bind(9, static_cast<int64_t>(dups));
        ins->Bind(10, static_cast<int64_t>(counts.bytes));
        cs = ins->Run();
      } else if (cs.ok()) {
        cs = ins.status();
      }
      const int64_t file_id = sqlite3_last_insert_rowid(db.raw());
      auto seg = db.Prepare(
          "INSERT INTO segments(file_id, name, order_key, works, authorships, bytes, crc32) VALUES(?, ?, ?, ?, ?, ?, ?)");
      for (size_t part = 0; cs.ok() && part < written.size(); ++part) {
        if (!seg.ok()) {
          cs = seg.status();
          break;
        }
        const SegmentStats& s = written[part].second;
        uint64_t key = (static_cast<uint64_t>(batch) << (kOrdBits + kPartBits)) |
                       (static_cast<uint64_t>(p.ord) << kPartBits) | part;
        seg->Bind(1, file_id).Bind(2, written[part].first).Bind(3, static_cast<int64_t>(key));
        seg->Bind(4, static_cast<int64_t>(s.works)).Bind(5, static_cast<int64_t>(s.authorships));
        seg->Bind(6, static_cast<int64_t>(s.bytes)).Bind(7, int64_t{s.crc});
        cs = seg->Run();
      }
      if (cs.ok() && is_export) {  // which registry resolved it
        auto ex = db.Prepare(
            "INSERT OR REPLACE INTO export_files(path, format, registry_crc, registry_orgs, registry_files) "
            "VALUES(?, ?, ?, ?, ?)");
        if (ex.ok()) {
          ex->Bind(1, p.path).Bind(2, std::string(InputFormatName(p.format)));
          ex->Bind(3, int64_t{export_matcher.registry_crc}).Bind(4, static_cast<int64_t>(export_matcher.organisations));
          ex->Bind(5, registry_names);
          cs = ex->Run();
        } else {
          cs = ex.status();
        }
      }
      auto rej = db.Prepare("INSERT INTO rejects(file_id, path, line, offset, code, reason) VALUES(?, ?, ?, ?, ?, ?)");
      for (size_t i = 0; cs.ok() && i < file_rejects.size(); ++i) {
        if (!rej.ok()) {
          cs = rej.status();
          break;
        }
        const Reject& r = file_rejects[i];
        rej->Bind(1, file_id).Bind(2, r.file).Bind(3, static_cast<int64_t>(r.line));
        rej->Bind(4, static_cast<int64_t>(r.offset)).Bind(5, static_cast<int64_t>(r.code)).Bind(6, r.reason);
        cs = rej->Run();
      }
      if (cs.ok()) cs = db.Exec("COMMIT");
      if (!cs.ok()) {
        db.Exec("ROLLBACK");
        if (first_error.ok()) first_error = cs;
        stop = true;
        break;
      }
      for (Reject& r : file_rejects) rejects->Add(std::move(r));
      ++summary.files_new;
      summary.segments_written += written.size();
      summary.records += counts.records;
      summary.rejected += counts.rejected;
      summary.bytes += counts.bytes;
    }
  };
  RunThreads(threads, [&](unsigned) { run(); });
  if (!first_error.ok()) return first_error;

  summary.files_seconds = since(phase);
  summary.files_cpu_seconds = cpu_now() - cpu_mark;
  if (registry_new) {  // joined here, or by the first export
    phase = Clock::now();
    if (registry_loader.joinable()) registry_loader.join();
    if (!registry_status.ok()) return registry_status;
    if (Status st = StoreRegistry(db, registry); !st.ok()) return st;
    summary.registry_seconds += since(phase);
  }
  // Settle and publish the new generation.
  if (Status st = SettleAndPublish(dir, db, registry, o.policy, o.threads, rejects, &summary); !st.ok()) return st;
  return summary;
}

// ============================================================ merge

namespace {

// A segment file of another store, placed under `to` (a hard link, else a
// copy), through a temporary name, after its crc was checked.
Status PlaceSegment(const std::string& from, const std::string& to, uint32_t crc) {
  auto actual = FileCrc(from);
  if (!actual.ok()) return actual.status();
  if (actual.value() != crc)
    return Status(ErrorCode::kCorrupt, fmt::format("store segment {} differs from its catalog row (crc32)", from));
  const std::string tmp = to + kTempSuffix;
  ::unlink(tmp.c_str());
  if (::link(from.c_str(), tmp.c_str()) != 0) {  // another file system: a copy
    auto bytes = ReadWholeFile(from);
    if (!bytes.ok()) return bytes.status();
    return WriteFileAtomically(to, bytes.value());
  }
  if (::rename(tmp.c_str(), to.c_str()) != 0) return Status(ErrorCode::kIo, fmt::format("cannot rename {}", tmp));
  return Status::Ok();
}

// Copies every row of `sql` (run on src) into `insert` (prepared on dst);
// `types` gives each column's kind: i integer, t text, b blob.
Status CopyRows(Db& src, const std::string& sql, Db& dst, const std::string& insert, std::string_view types) {
  auto from = src.Prepare(sql);
  if (!from.ok()) return from.status();
  auto to = dst.Prepare(insert);
  if (!to.ok()) return to.status();
  Status st;
  while (from->Step(&st)) {
    for (int c = 0; c < static_cast<int>(types.size()); ++c) {
      if (types[c] == 'i')
        to->Bind(c + 1, from->Int(c));
      else if (types[c] == 'b')
        to->BindBlob(c + 1, from->Blob(c));
      else
        to->Bind(c + 1, from->Text(c));
    }
    if (Status rs = to->Run(); !rs.ok()) return rs;
  }
  return st;
}

}  // namespace

Result<IngestSummary> Merge(const std::string& dir, const MergeOptions& o, RejectLog* rejects) {
  IngestSummary summary;
  if (o.sources.empty()) return Status(ErrorCode::kInvalidArgument, "give the stores to merge");
  std::error_code ec;
  const auto target = std::filesystem::weakly_canonical(dir, ec);
  // Sources that are not stores are refused before the target is created.
  for (const std::string& path : o.sources)
    if (::access((path + "/store.db").c_str(), F_OK) != 0)
      return Status(ErrorCode::kNotFound, fmt::format("{} is not a coopscope store (no store.db)", path));
  DirLock lock;
  Db db;
  if (Status st = OpenForWriting(dir, &lock, &db); !st.ok()) return st;
  auto policy_text = GetMeta(db, "policy");
  if (!policy_text.ok()) return policy_text.status();
  auto registry_rows = QueryInt(db, "SELECT COUNT(*) FROM registry");
  if (!registry_rows.ok()) return registry_rows.status();

  // Each source read in one read transaction (the generation it published).
  struct Source {
    std::string dir;
    Db db;
  };
  std::vector<std::unique_ptr<Source>> sources;
  for (const std::string& path : o.sources) {
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    if (!ec && canonical == target)
      return Status(ErrorCode::kInvalidArgument, fmt::format("{} is the store being merged into", path));
    auto src = std::make_unique<Source>();
    src->dir = path;
    if (Status st = OpenCatalog(path, false, &src->db); !st.ok()) return st;
    if (Status st = src->db.Exec("BEGIN"); !st.ok()) return st;
    if (Status st = CheckFormat(src->db, false); !st.ok()) return Status(st.code(), path + ": " + st.message());
    auto generation = GetMeta(src->db, "generation");
    if (!generation.ok()) return generation.status();
    if (generation->empty())
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} has no finished build; finish it (`coopscope store build {}`) before merging", path,
                                path));
    auto policy = GetMeta(src->db, "policy");
    if (!policy.ok()) return policy.status();
    if (policy_text->empty()) policy_text = policy.value();
    if (policy.value() != policy_text.value())
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} was built with other country rules ({}) than the store ({})", path,
                                policy.value(), policy_text.value()));
    sources.push_back(std::move(src));
  }

  if (Status st = db.Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
  auto fail = [&](Status st) {
    db.Exec("ROLLBACK");
    return st;
  };
  if (Status st = SetMeta(db, "policy", policy_text.value()); !st.ok()) return fail(st);
  auto opened_batch = OpenBatch(db);
  if (!opened_batch.ok()) return fail(opened_batch.status());
  const int64_t batch = opened_batch.value();
  for (auto& src : sources) {
    Db& s = src->db;
    auto their_registry = QueryInt(s, "SELECT COUNT(*) FROM registry");
    if (!their_registry.ok()) return fail(their_registry.status());
    if (registry_rows.value() == 0 && their_registry.value() > 0) {
      registry_rows = their_registry.value();
      for (const auto& [sql, ins, n] :
           {std::tuple{"SELECT idx, entry FROM registry", "INSERT INTO registry(idx, entry) VALUES(?, ?)", "ib"},
            std::tuple{"SELECT path, size, format, records FROM registry_files",
                       "INSERT OR REPLACE INTO registry_files(path, size, format, records) VALUES(?, ?, ?, ?)", "titi"}})
        if (Status st = CopyRows(s, sql, db, ins, n); !st.ok()) return fail(st);
      // The rows keep the encoding of the source's catalog format.
      for (const char* key : {"format_version", "registry_crc"}) {
        auto value = GetMeta(s, key);
        if (!value.ok()) return fail(value.status());
        if (Status st = value->empty() ? Status::Ok() : SetMeta(db, key, value.value()); !st.ok()) return fail(st);
      }
    }
    // Which registry resolved each export file (catalog format 2).
    auto has_exports = QueryInt(s, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'export_files'");
    if (!has_exports.ok()) return fail(has_exports.status());
    if (has_exports.value() > 0)
      if (Status st = CopyRows(s, "SELECT path, format, registry_crc, registry_orgs, registry_files FROM export_files", db,
                               "INSERT OR IGNORE INTO export_files(path, format, registry_crc, registry_orgs, "
                               "registry_files) VALUES(?, ?, ?, ?, ?)",
                               "ttiit");
          !st.ok())
        return fail(st);
    for (const auto& [sql, ins, n] :
         {std::tuple{"SELECT part_key, manifest, record_count FROM manifests",
                     "INSERT OR REPLACE INTO manifests(part_key, manifest, record_count) VALUES(?, ?, ?)", "tti"},
          std::tuple{"SELECT id FROM merged_ids", "INSERT OR IGNORE INTO merged_ids(id) VALUES(?)", "i"},
          // Rejects of merged-id files, once per path.
          std::tuple{"SELECT path, line, offset, code, reason FROM rejects r WHERE file_id = -1",
                     "INSERT INTO rejects(file_id, path, line, offset, code, reason) SELECT -1, ?1, ?2, ?3, ?4, ?5 "
                     "WHERE NOT EXISTS (SELECT 1 FROM merged_files WHERE path = ?1)",
                     "tiiit"},
          std::tuple{"SELECT path, size FROM merged_files",
                     "INSERT OR REPLACE INTO merged_files(path, size) VALUES(?, ?)", "ti"}})
      if (Status st = CopyRows(s, sql, db, ins, n); !st.ok()) return fail(st);
  }
  if (Status st = db.Exec("COMMIT"); !st.ok()) return st;

  // The files, in source then order-key order; one transaction per file.
  int64_t ord = 0;
  for (auto& src : sources) {
    Db& s = src->db;
    auto files = s.Prepare(
        "SELECT id, path, size, crc32, part_key, records, rejected, duplicates, bytes FROM files ORDER BY batch, ord");
    if (!files.ok()) return files.status();
    Status fst;
    while (files->Step(&fst)) {
      const int64_t src_id = files->Int(0), size = files->Int(2);
      const std::string path = files->Text(1);
      const int64_t this_ord = ord++;
      if (this_ord >= (int64_t{1} << kOrdBits))
        return Status(ErrorCode::kInvalidArgument, "too many input files in one batch");
      auto known = db.Prepare("SELECT size FROM files WHERE path = ?");
      if (!known.ok()) return known.status();
      known->Bind(1, path);
      Status kst;
      if (known->Step(&kst)) {
        if (known->Int(0) != size)
          return Status(ErrorCode::kInvalidArgument,
                        fmt::format("{} in {} differs from the file of that name already in the store ({} bytes "
                                    "against {})",
                                    path, src->dir, size, known->Int(0)));
        ++summary.files_skipped;
        continue;
      }
      if (!kst.ok()) return kst;
      // Its segments, placed under their new names before the transaction.
      auto segs = s.Prepare("SELECT name, order_key, works, authorships, bytes, crc32 FROM segments WHERE file_id = ? "
                            "ORDER BY order_key");
      if (!segs.ok()) return segs.status();
      segs->Bind(1, src_id);
      std::vector<std::pair<std::string, SegmentRow>> placed;
      Status sst;
      while (segs->Step(&sst)) {
        SegmentRow r;
        uint64_t part = static_cast<uint64_t>(segs->Int(1)) & ((uint64_t{1} << kPartBits) - 1);
        r.name = fmt::format("b{:04}-f{:07}-p{:03}.seg", batch, this_ord, part);
        r.order_key = (static_cast<uint64_t>(batch) << (kOrdBits + kPartBits)) |
                      (static_cast<uint64_t>(this_ord) << kPartBits) | part;
        r.works = static_cast<uint64_t>(segs->Int(2));
        r.authorships = static_cast<uint64_t>(segs->Int(3));
        r.bytes = static_cast<uint64_t>(segs->Int(4));
        r.crc = static_cast<uint32_t>(segs->Int(5));
        if (Status st = PlaceSegment(SegmentPath(src->dir, segs->Text(0)), SegmentPath(dir, r.name), r.crc); !st.ok())
          return st;
        placed.emplace_back(segs->Text(0), std::move(r));
      }
      if (!sst.ok()) return sst;
      if (Status st = db.Exec("BEGIN IMMEDIATE"); !st.ok()) return st;
      auto ins = db.Prepare(
          "INSERT INTO files(batch, ord, path, size, crc32, part_key, records, rejected, duplicates, bytes) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      if (!ins.ok()) return fail(ins.status());
      ins->Bind(1, batch).Bind(2, this_ord).Bind(3, path).Bind(4, size).Bind(5, files->Int(3));
      ins->Bind(6, files->Text(4)).Bind(7, files->Int(5)).Bind(8, files->Int(6)).Bind(9, files->Int(7));
      ins->Bind(10, files->Int(8));
      if (Status st = ins->Run(); !st.ok()) return fail(st);
      const int64_t file_id = sqlite3_last_insert_rowid(db.raw());
      auto seg = db.Prepare(
          "INSERT INTO segments(file_id, name, order_key, works, authorships, bytes, crc32) VALUES(?, ?, ?, ?, ?, ?, ?)");
      if (!seg.ok()) return fail(seg.status());
      for (const auto& [old_name, r] : placed) {
        seg->Bind(1, file_id).Bind(2, r.name).Bind(3, static_cast<int64_t>(r.order_key));
        seg->Bind(4, static_cast<int64_t>(r.works)).Bind(5, static_cast<int64_t>(r.authorships));
        seg->Bind(6, static_cast<int64_t>(r.bytes)).Bind(7, int64_t{r.crc});
        if (Status st = seg->Run(); !st.ok()) return fail(st);
      }
      auto their_rejects = s.Prepare("SELECT path, line, offset, code, reason FROM rejects WHERE file_id = ?");
      auto rej = db.Prepare("INSERT INTO rejects(file_id, path, line, offset, code, reason) VALUES(?, ?, ?, ?, ?, ?)");
      if (!their_rejects.ok()) return fail(their_rejects.status());
      if (!rej.ok()) return fail(rej.status());
      their_rejects->Bind(1, src_id);
      Status rst;
      while (their_rejects->Step(&rst)) {
        Reject r{their_rejects->Text(0), static_cast<uint64_t>(their_rejects->Int(1)),
                 static_cast<uint64_t>(their_rejects->Int(2)), static_cast<ErrorCode>(their_rejects->Int(3)),
                 their_rejects->Text(4)};
        rej->Bind(1, file_id).Bind(2, r.file).Bind(3, static_cast<int64_t>(r.line));
        rej->Bind(4, static_cast<int64_t>(r.offset)).Bind(5, static_cast<int64_t>(r.code)).Bind(6, r.reason);
        if (Status st = rej->Run(); !st.ok()) return fail(st);
        rejects->Add(std::move(r));
      }
      if (!rst.ok()) return fail(rst);
      if (Status st = db.Exec("COMMIT"); !st.ok()) return fail(st);
      ++summary.files_new;
      summary.segments_written += placed.size();
      summary.records += static_cast<uint64_t>(files->Int(5));
      summary.rejected += static_cast<uint64_t>(files->Int(6));
      summary.bytes += static_cast<uint64_t>(files->Int(8));
    }
    if (!fst.ok()) return fst;
  }

  Registry registry;
  if (Status st = LoadRegistry(db, &registry); !st.ok()) return st;
  if (Status st = SettleAndPublish(dir, db, registry, PolicyFromText(policy_text.value()), o.threads, rejects,
                                   &summary);
      !st.ok())
    return st;
  return summary;
}

// ============================================================ snapshot

struct Snapshot::Impl {
  std::string dir;
  Db db;
  Registry owned_registry;  // decoded from the catalog, unless borrowed
  const Registry* borrowed_registry = nullptr;
  const Registry& registry() const { return borrowed_registry ? *borrowed_registry : owned_registry; }
  uint64_t registry_size = 0;
  StoreTotals totals;
  std::vector<SegmentRow> rows;
  // Segments are opened on first use (Collect; rank, countries and info read
  // only the catalog), each once, by whichever thread needs it first.
  bool verify_checksums = false;
  struct Lazy {
    std::once_flag once;
    std::unique_ptr<SegmentReader> reader;
    Status status;
  };
  std::unique_ptr<Lazy[]> readers;
  std::vector<roaring_bitmap_t*> dead;
  std::string policy_text;
  // The facts file, opened on first use (queries; not info, rank, countries).
  std::string facts_path;  // empty: none for this generation
  mutable std::once_flag facts_once;
  mutable std::unique_ptr<FactsFile> facts;  // null: none, or missing (replaced since: Collect needs none)
  mutable Status facts_status;
  Result<const FactsFile*> Facts() const {
    std::call_once(facts_once, [&] {
      if (facts_path.empty()) return;
      auto f = FactsFile::Open(facts_path, totals.generation);
      if (f.ok())
        facts = std::move(f.value());
      else if (f.status().code() != ErrorCode::kNotFound)
        facts_status = f.status();
    });
    if (!facts_status.ok()) return facts_status;
    return static_cast<const FactsFile*>(facts.get());
  }
  std::unique_ptr<Lazy[]> light;     // segments opened without their ids and dictionary (Tally)
  Result<const SegmentReader*> LightReader(size_t s) const {
    Lazy& l = light[s];
    std::call_once(l.once, [&] {
      auto r = OpenReader(dir, rows[s], verify_checksums, SegmentReader::Mode::kRowsOnly);
      if (r.ok())
        l.reader = std::move(r.value());
      else
        l.status = r.status();
    });
    if (!l.status.ok()) return l.status;
    return static_cast<const SegmentReader*>(l.reader.get());
  }
  Result<const SegmentReader*> Reader(size_t s) const {
    Lazy& l = readers[s];
    std::call_once(l.once, [&] {
      auto r = OpenReader(dir, rows[s], verify_checksums);
      if (r.ok())
        l.reader = std::move(r.value());
      else
        l.status = r.status();
    });
    if (!l.status.ok()) return l.status;
    return static_cast<const SegmentReader*>(l.reader.get());
  }
  ~Impl() {
    for (auto* d : dead) roaring_bitmap_free(d);
    db.Exec("COMMIT");
  }
};

Snapshot::Snapshot(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Snapshot::~Snapshot() = default;
const Registry& Snapshot::registry() const { return impl_->registry(); }
uint64_t Snapshot::registry_size() const { return impl_->registry_size; }
const StoreTotals& Snapshot::totals() const { return impl_->totals; }

CountryPolicy Snapshot::policy() const { return PolicyFromText(impl_->policy_text); }

Result<std::unique_ptr<Snapshot>> Snapshot::OpenWith(const std::string& dir, const Registry& registry) {
  auto snap = Open(dir, true, false);
  if (snap.ok()) snap.value()->impl_->borrowed_registry = &registry;
  return snap;
}

Result<std::unique_ptr<Snapshot>> Snapshot::Open(const std::string& dir, bool verify_checksums, bool load_registry) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  if (Status st = OpenCatalog(dir, false, &impl->db); !st.ok()) return st;
  // One read transaction for the snapshot's life: the generation seen stays
  // the one committed when it began.
  if (Status st = impl->db.Exec("BEGIN"); !st.ok()) return st;
  if (Status st = CheckFormat(impl->db, false); !st.ok()) return st;
  auto generation = GetMeta(impl->db, "generation");
  if (!generation.ok()) return generation.status();
  if (generation->empty())
    return Status(ErrorCode::kNotFound, fmt::format("the store {} has no finished build yet; run `coopscope store "
                                                    "build` again to finish it",
                                                    dir));
  auto policy = GetMeta(impl->db, "policy");
  if (!policy.ok()) return policy.status();
  impl->policy_text = policy.value();
  auto rows = LoadSegmentRows(impl->db, true);
  if (!rows.ok()) return rows.status();
  impl->rows = std::move(rows.value());
  impl->verify_checksums = verify_checksums;
  impl->readers = std::make_unique<Impl::Lazy[]>(impl->rows.size());
  impl->light = std::make_unique<Impl::Lazy[]>(impl->rows.size());
  if (load_registry) {
    if (Status st = LoadRegistry(impl->db, &impl->owned_registry, &impl->registry_size); !st.ok()) return st;
  } else {
    // Counted when stored (meta.registry_rows); catalogs written before that
    // are counted here.
    auto stored = GetMetaInt(impl->db, "registry_rows", -1);
    if (!stored.ok()) return stored.status();
    auto rows = stored.value() < 0 ? QueryInt(impl->db, "SELECT COUNT(*) FROM registry") : stored;
    if (!rows.ok()) return rows.status();
    impl->registry_size = static_cast<uint64_t>(rows.value());
  }
  if (Status st = LoadTotals(impl->db, generation.value(), impl->policy_text, &impl->totals); !st.ok()) return st;
  auto facts_file = GetMeta(impl->db, "facts_file");
  if (!facts_file.ok()) return facts_file.status();
  if (!facts_file->empty()) {
    impl->facts_path = dir + "/" + facts_file.value();
    impl->totals.facts_file = facts_file.value();
    if (auto size = FileSize(impl->facts_path); size.ok()) impl->totals.facts_bytes = size.value();
  }
  auto s = impl->db.Prepare("SELECT dead FROM live ORDER BY segment_id");
  if (!s.ok()) return s.status();
  Status st;
  while (s->Step(&st)) {
    std::string_view blob = s->Blob(0);
    roaring_bitmap_t* bm = roaring_bitmap_portable_deserialize_safe(blob.data(), blob.size());
    if (bm == nullptr) return Status(ErrorCode::kCorrupt, "store catalog: a deletion bitmap is damaged");
    impl->dead.push_back(bm);
  }
  if (!st.ok()) return st;
  if (impl->dead.size() != impl->rows.size())
    return Status(ErrorCode::kCorrupt, "store catalog: deletion bitmaps and segments disagree");
  return std::unique_ptr<Snapshot>(new Snapshot(std::move(impl)));
}

Result<Collected> Snapshot::Collect(const Scope& scope, const CountryPolicy& policy, unsigned threads) const {
  const Impl& I = *impl_;
  const size_t n = I.rows.size();
  struct Local {
    std::vector<WorkFacts> facts;
    FactsArena arena;
    Status error;
  };
  const unsigned nthreads = ThreadsFor(threads, n);
  std::vector<Local> locals(nthreads);
  std::atomic<size_t> next{0};
  auto run = [&](unsigned t) {
    Local& L = locals[t];
    FactsBuilder fb(scope, I.registry(), policy);
    Work w;
    std::vector<roaring_bitmap_t*> lists;
    std::vector<uint8_t> in_scope;                 // per dictionary entry
    std::vector<const RegistryEntry*> entries;     // per dictionary entry: Registry::Find, once
    std::vector<uint8_t> looked_up;                // per dictionary entry
    std::vector<uint32_t> refs;                    // per reference of w: its dictionary entry
    for (;;) {
      size_t s = next.fetch_add(1);
      if (s >= n) break;
      auto opened = I.Reader(s);
      if (!opened.ok()) {
        L.error = opened.status();
        return;
      }
      const SegmentReader& r = *opened.value();
      // The dictionary entries in S, then their works.
      const uint32_t nd = r.dict_size();
      in_scope.assign(nd, 0);
      entries.assign(nd, nullptr);
      looked_up.assign(nd, 0);
      lists.clear();
      for (uint32_t d = 0; d < nd; ++d) {
        const InstitutionRef& ref = r.Ref(d);
        const RegistryEntry* entry = nullptr;
        if (!fb.RefInScope(ref, r.lineage() + ref.lineage_begin, ref.lineage_end - ref.lineage_begin, &entry))
          continue;
        in_scope[d] = 1;
        auto bm = r.Postings(d);
        if (!bm.ok()) {
          L.error = bm.status();
          break;
        }
        lists.push_back(bm.value());
      }
      roaring_bitmap_t* rows = roaring_bitmap_or_many(lists.size(), const_cast<const roaring_bitmap_t**>(lists.data()));
      for (auto* l : lists) roaring_bitmap_free(l);
      if (!L.error.ok()) {
        roaring_bitmap_free(rows);
        return;
      }
      roaring_bitmap_andnot_inplace(rows, I.dead[s]);
      if (size_t need = L.facts.size() + roaring_bitmap_get_cardinality(rows); need > L.facts.capacity())
        L.facts.reserve(std::max(need, 2 * L.facts.capacity()));
      roaring_uint32_iterator_t* it = roaring_create_iterator(rows);
      const bool have_registry = I.registry().size() != 0;
      for (; it->has_value; roaring_advance_uint32_iterator(it)) {
        if (Status st = r.Decode(it->current_value, &w, &refs); !st.ok()) {
          L.error = st;
          break;
        }
        for (size_t i = 0; i < refs.size(); ++i)
          if (have_registry && !looked_up[refs[i]]) {
            looked_up[refs[i]] = 1;
            entries[refs[i]] = I.registry().Find(w.institutions[i].id, w.institutions[i].ror);
          }
        if (!fb.InScopeKnown(w, refs.data(), in_scope.data(), entries.data())) continue;
        L.facts.emplace_back();
        fb.Build(w, &L.facts.back(), &L.arena);
      }
      roaring_free_uint32_iterator(it);
      roaring_bitmap_free(rows);
      if (!L.error.ok()) return;
    }
  };
  RunThreads(nthreads, run);
  Collected out;
  // Each segment's facts are in id order (rows are), and a live id is in one
  // segment only: merging the runs gives the id order a full sort would.
  std::vector<std::pair<OpenAlexId, std::pair<uint32_t, uint32_t>>> order;
  std::vector<size_t> runs{0};  // run boundaries in order
  for (uint32_t t = 0; t < nthreads; ++t) {
    if (!locals[t].error.ok()) return locals[t].error;
    for (uint32_t i = 0; i < locals[t].facts.size(); ++i) {
      if (i > 0 && locals[t].facts[i].id <= locals[t].facts[i - 1].id) runs.push_back(order.size());
      order.push_back({locals[t].facts[i].id, {t, i}});
    }
    if (runs.back() != order.size()) runs.push_back(order.size());
  }
  while (runs.size() > 2) {
    std::vector<size_t> merged{0};
    for (size_t r = 0; r + 1 < runs.size(); r += 2) {
      size_t end = r + 2 < runs.size() ? runs[r + 2] : runs[r + 1];
      if (r + 2 < runs.size())
        std::inplace_merge(order.begin() + runs[r], order.begin() + runs[r + 1], order.begin() + end);
      merged.push_back(end);
    }
    runs = std::move(merged);
  }
  // Room for everything appended below (growing a million facts costs more than the appends).
  {
    size_t countries = 0, partners = 0, members = 0;
    for (const Local& L : locals) {
      countries += L.arena.countries.size();
      partners += L.arena.partners.size();
      members += L.arena.member_list.size();
    }
    out.works.reserve(order.size());
    out.arena.countries.reserve(countries);
    out.arena.partners.reserve(partners);
    out.arena.member_list.reserve(members);
  }
  for (const auto& [id, where] : order) AppendFacts(locals[where.first].facts[where.second], locals[where.first].arena, &out);
  out.ingest = I.totals.ingest;
  FinishCollected(&out);
  out.registry = &I.registry();
  return out;
}

bool Snapshot::HasFacts(const CountryPolicy& policy) const {
  auto facts = impl_->Facts();
  return facts.ok() && facts.value() != nullptr && PolicyText(policy) == impl_->policy_text;
}

Result<std::pair<uint64_t, uint64_t>> Snapshot::CatalogBytes() const {
  Impl& I = *impl_;
  uint64_t total = 0;
  for (const char* name : {"/store.db", "/store.db-wal"})
    if (auto size = FileSize(I.dir + name); size.ok()) total += size.value();
  // dbstat is compiled into Debian's SQLite; without it the registry is not told apart.
  auto registry = QueryInt(I.db, "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = 'registry'");
  return std::make_pair(total, registry.ok() ? static_cast<uint64_t>(registry.value()) : uint64_t{0});
}

Result<std::vector<uint32_t>> Snapshot::SegmentFormats() const {
  std::vector<uint32_t> out;
  for (const SegmentRow& r : impl_->rows) {
    auto version = SegmentFormatOf(SegmentPath(impl_->dir, r.name));
    if (!version.ok()) return version.status();
    if (std::find(out.begin(), out.end(), version.value()) == out.end()) out.push_back(version.value());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<ViewStats> Snapshot::ViewsInfo() const {
  Impl& I = *impl_;
  ViewStats out;
  if (I.totals.views == 0) return out;
  const std::string g = std::to_string(I.totals.generation);
  auto orgs = QueryInt(I.db, "SELECT COUNT(DISTINCT org) FROM views WHERE generation = " + g);
  auto bytes = QueryInt(I.db, "SELECT COALESCE(SUM(LENGTH(view)), 0) FROM views WHERE generation = " + g);
  auto keys = QueryInt(I.db, "SELECT COUNT(*) FROM view_keys WHERE generation = " + g);
  for (auto* r : {&orgs, &bytes, &keys})
    if (!r->ok()) return r->status();
  out.orgs = static_cast<uint64_t>(orgs.value());
  out.bytes = static_cast<uint64_t>(bytes.value());
  out.keys = static_cast<uint64_t>(keys.value());
  return out;
}

Result<bool> Snapshot::View(const std::string& root_key, const CountryPolicy& policy, ViewAnswer* out) const {
  Impl& I = *impl_;
  if (I.totals.views == 0 || PolicyText(policy) != I.policy_text) return false;
  auto s = I.db.Prepare(
      "SELECT v.view FROM view_keys k JOIN views v ON v.generation = k.generation AND v.id = k.id "
      "WHERE k.generation = ? AND k.key = ?");
  if (!s.ok()) return s.status();
  s->Bind(1, static_cast<int64_t>(I.totals.generation)).Bind(2, root_key);
  Status st;
  if (!s->Step(&st)) {
    if (!st.ok()) return st;
    return false;
  }
  // Partners a view names by a registry entry's number: that entry's catalog
  // row, read when the report names them (a few hundred of the view's partners).
  struct EntryRows {
    std::mutex lock;
    Stmt stmt;
  };
  auto rows = std::make_shared<EntryRows>();
  auto prepared = I.db.Prepare("SELECT entry FROM registry WHERE idx = ?");
  if (!prepared.ok()) return prepared.status();
  rows->stmt = std::move(prepared.value());
  RegistryEntryReader reader = [rows](uint32_t entry, RegistryEntry* e) {
    std::lock_guard<std::mutex> hold(rows->lock);
    rows->stmt.Reset();
    rows->stmt.Bind(1, int64_t{entry});
    Status st;
    return rows->stmt.Step(&st) && DecodeEntry(rows->stmt.Blob(0), e);
  };
  Status decoded =
      DecodeView(s->Blob(0), fmt::format("'{}' of {}/store.db (generation {})", root_key, I.dir, I.totals.generation),
                 I.registry_size, std::move(reader), policy, out);
  if (decoded.code() == ErrorCode::kNotFound) return false;  // another version: the works answer
  if (!decoded.ok()) return decoded;
  return true;
}

namespace {

// Whether two scopes hold the same institutions and show the same (what
// Tally and the report read of a scope).
bool SameScope(const Scope& a, const Scope& b) {
  if (a.name() != b.name() || a.home() != b.home() || a.roots().size() != b.roots().size()) return false;
  for (size_t i = 0; i < a.roots().size(); ++i) {
    const ScopeMember &x = a.roots()[i], &y = b.roots()[i];
    if (x.openalex != y.openalex || x.ror != y.ror || x.name != y.name || x.country != y.country || x.why != y.why ||
        x.excluded != y.excluded)
      return false;
  }
  return a.openalex_ids().ids() == b.openalex_ids().ids() && a.ror_ids().ids() == b.ror_ids().ids();
}

std::string OrgText(PartnerKey org) {
  return (org & kRorKeyBit) ? FormatRorId(org & ~kRorKeyBit) : FormatOpenAlexId(org, 'I');
}

// The stored tally blob (kind, year); empty when there is none (a year
// without works).
Result<std::string> TallyBlob(Db& db, int kind, int year) {
  auto s = db.Prepare("SELECT data FROM tallies WHERE kind = ? AND year = ?");
  if (!s.ok()) return s.status();
  s->Bind(1, int64_t{kind}).Bind(2, int64_t{year});
  Status st;
  std::string out;
  if (s->Step(&st)) out = std::string(s->Blob(0));
  if (!st.ok()) return st;
  return out;
}

std::string TallyWhere(const std::string& dir, int kind, int year) {
  return fmt::format("{} in {}/store.db", TallyName(kind, year), dir);
}

// The organisation dictionary, refused when the catalog keeps its tallies as
// an older coopscope did or when the registry was replaced since they were
// settled (registry-named organisations are named from it).
Result<std::string> TallyOrgsBlob(Db& db, const std::string& dir) {
  auto table = QueryInt(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tallies'");
  if (!table.ok()) return table.status();
  auto blob = table.value() > 0 ? TallyBlob(db, kTallyOrgsKind, 0) : Result<std::string>(std::string());
  if (!blob.ok()) return blob.status();
  if (blob->empty())
    return Status(ErrorCode::kNotFound,
                  fmt::format("the store {} keeps its rank and country tallies as a coopscope before catalog format {} "
                              "wrote them; `coopscope store update {}` (no inputs) settles it again in this format",
                              dir, kCatalogFormatVersion, dir));
  return blob;
}

Status LoadTallyOrgs(Db& db, const std::string& dir, const Registry& registry, Tallies* out) {
  auto blob = TallyOrgsBlob(db, dir);
  if (!blob.ok()) return blob.status();
  if (Status st = DecodeTallyOrgs(blob.value(), TallyWhere(dir, kTallyOrgsKind, 0), &out->registry_crc, &out->orgs);
      !st.ok())
    return st;
  // Catalogs kept since format 2 know their registry's fingerprint; older ones are fingerprinted now.
  auto registry_crc = GetMetaInt(db, "registry_crc", -1);
  if (!registry_crc.ok()) return registry_crc.status();
  const uint32_t holds = registry_crc.value() >= 0 ? static_cast<uint32_t>(registry_crc.value()) : RegistryCrc(registry);
  if (holds != out->registry_crc)
    return Status(ErrorCode::kCorrupt,
                  fmt::format("the rank tallies of the store {} were settled with another registry than the one it "
                              "holds; `coopscope store update {}` settles them again",
                              dir, dir));
  return Status::Ok();
}

// Every year's blobs of one kind.
template <typename Row, typename Decode>
Status LoadTallyYears(Db& db, const std::string& dir, int kind, Decode decode, std::map<int, std::vector<Row>>* out) {
  auto s = db.Prepare("SELECT year, data FROM tallies WHERE kind = ? ORDER BY year");
  if (!s.ok()) return s.status();
  s->Bind(1, int64_t{kind});
  Status st;
  while (s->Step(&st)) {
    const int year = static_cast<int>(s->Int(0));
    if (Status d = decode(s->Blob(1), TallyWhere(dir, kind, year), &(*out)[year]); !d.ok()) return d;
  }
  return st;
}

// All the stored tallies (`store verify`, the stored answers' organisations).
Status LoadTallies(Db& db, const std::string& dir, const Registry& registry, Tallies* out) {
  if (Status st = LoadTallyOrgs(db, dir, registry, out); !st.ok()) return st;
  const size_t orgs = out->orgs.size();
  auto rank = [&](std::string_view blob, const std::string& where, std::vector<TallyRank>* rows) {
    return DecodeRankYear(blob, where, orgs, rows);
  };
  if (Status st = LoadTallyYears<TallyRank>(db, dir, kTallyRankKind, rank, &out->rank); !st.ok()) return st;
  return LoadTallyYears<TallyPair>(db, dir, kTallyPairsKind, DecodePairsYear, &out->pairs);
}

// What `store verify` finds different between the stored tally blobs and
// those the settle step writes for the recomputed generation, byte for byte.
void CompareTallies(Db& db, const std::string& dir, const Tallies& computed, std::vector<std::string>* problems) {
  std::map<std::pair<int, int>, std::string> stored;
  auto s = db.Prepare("SELECT kind, year, data FROM tallies");
  if (!s.ok()) {
    problems->push_back(s.status().message());
    return;
  }
  Status st;
  while (s->Step(&st)) stored[{static_cast<int>(s->Int(0)), static_cast<int>(s->Int(1))}] = std::string(s->Blob(2));
  if (!st.ok()) problems->push_back(st.message());
  auto expected = EncodeTallies(computed);
  std::set<std::pair<int, int>> all;
  for (const auto& [at, blob] : stored) all.insert(at);
  for (const auto& [at, blob] : expected) all.insert(at);
  for (const auto& at : all) {
    auto a = stored.find(at), b = expected.find(at);
    if (a == stored.end() || b == expected.end() || a->second != b->second)
      problems->push_back(fmt::format("store tallies {} differ from a recomputation; `coopscope store update` on the "
                                      "store writes them again",
                                      TallyWhere(dir, at.first, at.second)));
  }
}

}  // namespace

Result<std::vector<ViewRow>> Snapshot::ComputeViews(uint64_t min_works, unsigned threads) const {
  Impl& I = *impl_;
  struct Org {
    PartnerKey key;
    uint64_t works;
    RorId ror;  // as the works give it (the registry may not link it to the OpenAlex id)
  };
  const Registry& R = I.registry();
  std::vector<Org> orgs;
  {
    Tallies t;
    if (Status st = LoadTallies(I.db, I.dir, I.registry(), &t); !st.ok()) return st;
    std::vector<uint64_t> works(t.orgs.size());
    for (const auto& [year, rows] : t.rank)
      for (const TallyRank& r : rows) works[r.org] += r.p;
    for (size_t i = 0; i < t.orgs.size(); ++i) {
      if (works[i] < min_works) continue;
      const TallyOrg& o = t.orgs[i];
      const RegistryEntry* e = NamingEntry(o, R);
      orgs.push_back(Org{o.key, works[i], e != nullptr ? e->ror : o.ror});
    }
    // Numbered in the order of their keys as signed integers (the catalog's order before format 3).
    std::sort(orgs.begin(), orgs.end(),
              [](const Org& a, const Org& b) { return static_cast<int64_t>(a.key) < static_cast<int64_t>(b.key); });
  }
  const CountryPolicy store_policy = policy();
  // One organisation's views, each Tally on `tally_threads` threads.
  auto views_of = [&](const Org& org, unsigned tally_threads, std::vector<ViewRow>* out) -> Status {
    // The organisation's ids each give a scope (an OpenAlex id and a ROR id
    // the registry does not link are two scopes): one view per distinct
    // scope.  Then its names and aliases lead to the view of the scope they
    // resolve to, if any.
    std::vector<std::string> ids = {OrgText(org.key)};
    if (org.ror != 0) ids.push_back(FormatRorId(org.ror));
    std::vector<std::pair<Scope, ViewRow>> views;
    std::vector<std::string> texts;
    auto add = [&](const std::string& text, bool may_create) -> Status {
      std::string key = RootKey(text);
      if (key == "name:") return Status::Ok();
      for (const auto& [scope, row] : views)
        if (std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end()) return Status::Ok();
      ScopeSpec spec;
      spec.roots = {text};
      auto scope = Scope::Build(spec, R);
      if (!scope.ok()) return may_create ? scope.status() : Status::Ok();
      for (auto& [known, row] : views) {
        if (SameScope(known, scope.value())) {
          row.keys.push_back(std::move(key));
          return Status::Ok();
        }
      }
      if (!may_create) return Status::Ok();
      auto collected = Tally(scope.value(), store_policy, tally_threads);
      if (!collected.ok()) return collected.status();
      ViewRow row;
      row.org = org.key;
      row.works = org.works;
      row.view = EncodeView(collected.value(), scope.value(), store_policy, R.size() > 0);
      row.keys.push_back(std::move(key));
      const ScopeMember& root = scope->roots().front();
      if (root.openalex != 0) texts.push_back(FormatOpenAlexId(root.openalex, 'I'));
      if (root.ror != 0) texts.push_back(FormatRorId(root.ror));
      if (const RegistryEntry* e = R.Find(root.openalex, root.ror)) {
        texts.push_back(e->name);
        texts.insert(texts.end(), e->aliases.begin(), e->aliases.end());
      }
      views.emplace_back(std::move(scope.value()), std::move(row));
      return Status::Ok();
    };
    for (const std::string& text : ids)
      if (Status st = add(text, true); !st.ok()) return st;
    for (size_t i = 0; i < texts.size(); ++i)  // grows while views are added
      if (Status st = add(std::string(texts[i]), false); !st.ok()) return st;
    for (auto& [scope, row] : views) {
      std::sort(row.keys.begin(), row.keys.end());
      out->push_back(std::move(row));
    }
    return Status::Ok();
  };
  // The organisations on all threads, one Tally each on one thread (a
  // Tally's own threads share out one organisation's segments less evenly,
  // and each pays for its tables; a single organisation keeps them all),
  // the largest first; the views in the organisations' order whatever
  // thread made them.
  std::vector<std::vector<ViewRow>> made(orgs.size());
  std::vector<Status> errors(orgs.size());
  std::vector<size_t> largest_first(orgs.size());
  for (size_t i = 0; i < orgs.size(); ++i) largest_first[i] = i;
  std::stable_sort(largest_first.begin(), largest_first.end(),
                   [&](size_t a, size_t b) { return orgs[a].works > orgs[b].works; });
  std::atomic<size_t> next{0};
  const unsigned all_threads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  const unsigned workers = ThreadsFor(all_threads, orgs.size());
  const unsigned per_tally = std::max(1u, all_threads / workers);  // an organisation alone gets them all
  RunThreads(workers, [&](unsigned) {
    for (size_t k; (k = next.fetch_add(1)) < orgs.size();) {
      const size_t i = largest_first[k];
      errors[i] = views_of(orgs[i], per_tally, &made[i]);
    }
  });
  std::vector<ViewRow> out;
  for (size_t i = 0; i < orgs.size(); ++i) {
    if (!errors[i].ok()) return errors[i];
    for (ViewRow& row : made[i]) out.push_back(std::move(row));
  }
  return out;
}

namespace {

// A thread's sums for one year, in flat arrays (a hash or tree look-up per
// work and partner would cost more than the rest of the work's facts).
struct YearSums {
  std::vector<Copubs> codes = std::vector<Copubs>(kFactsCodes);  // by PackFactsCode
  std::vector<Copubs> countries = std::vector<Copubs>(kCountrySlots);
  std::vector<Copubs> single = std::vector<Copubs>(kCountrySlots);
  uint64_t country_mentions = 0;
  std::vector<Copubs> partners;  // by the thread's dense partner number
};

CountryCode CountryAt(int index) {
  return static_cast<CountryCode>((('A' + index / 26) << 8) | ('A' + index % 26));
}

}  // namespace

Result<Collected> Snapshot::Tally(const Scope& scope, const CountryPolicy& policy, unsigned threads) const {
  if (auto facts = impl_->Facts(); !facts.ok()) return facts.status();
  if (!HasFacts(policy)) return Collect(scope, policy, threads);
  const Impl& I = *impl_;
  const FactsFile& F = *I.facts;
  const size_t n = I.rows.size();
  const bool have_registry = I.registry().size() != 0;
  // The entries in S: those holding one of S's ids or RORs, tested exactly.
  std::vector<uint8_t> in_scope(F.entry_count(), 0);
  {
    FactsBuilder fb(scope, I.registry(), policy);
    std::vector<uint32_t> candidates;
    for (uint64_t id : scope.openalex_ids().ids())
      if (Status st = F.EntriesWithKey(id, &candidates); !st.ok()) return st;
    for (uint64_t ror : scope.ror_ids().ids())
      if (Status st = F.EntriesWithKey(ror | kRorKeyBit, &candidates); !st.ok()) return st;
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    DictRef ref;
    for (uint32_t g : candidates) {
      if (!F.Entry(g, &ref))
        return Status(ErrorCode::kCorrupt, fmt::format("store facts file {} is damaged: entry {} does not decode",
                                                       F.path(), g));
      const RegistryEntry* entry = nullptr;
      in_scope[g] = fb.RefInScope(ref.ref, ref.lineage.data(), ref.lineage.size(), &entry);
    }
  }
  constexpr int kYearSlots = 4096;  // years 0..4095 (others are refused as damage)
  struct Local {
    std::vector<std::unique_ptr<YearSums>> years = std::vector<std::unique_ptr<YearSums>>(kYearSlots);
    std::vector<PartnerKey> partner_keys;             // dense number -> key
    std::unordered_map<PartnerKey, uint32_t> dense;   // key -> dense number
    std::array<uint64_t, kCountrySlots> members{};
    FactsArena arena;                                 // partner_info and root_names only
    uint64_t works = 0;
    Status error;
  };
  const unsigned nthreads = ThreadsFor(threads, n);
  std::vector<Local> locals(nthreads);
  std::atomic<size_t> next{0};
  auto run = [&](unsigned t) {
    Local& L = locals[t];
    FactsBuilder fb(scope, I.registry(), policy);
    RowShape row;
    WorkFacts facts;
    std::vector<roaring_bitmap_t*> lists;
    // Per entry of the generation: its index in `described`, or -1; each
    // entry met is described once for the whole query.
    std::vector<int32_t> described_at(F.entry_count(), -1);
    std::vector<RefFacts> described;
    std::vector<uint8_t> root_done, info_done;  // per described entry: its name merged already
    std::vector<const RefFacts*> mentions;
    RefPool pool;
    DictRef ref;
    described.reserve(F.entry_count() / 4);
    // A small direct-mapped cache in front of `dense`.
    constexpr size_t kCache = size_t{1} << 14;
    std::vector<std::pair<PartnerKey, uint32_t>> cache(kCache, {~PartnerKey{0}, 0});
    auto dense_of = [&](PartnerKey key) -> uint32_t {
      auto& slot = cache[(key * 0x9e3779b97f4a7c15ULL) >> 50];
      if (slot.first == key) return slot.second;
      auto [it, fresh] = L.dense.try_emplace(key, static_cast<uint32_t>(L.partner_keys.size()));
      if (fresh) L.partner_keys.push_back(key);
      slot = {key, it->second};
      return it->second;
    };
    auto describe = [&](uint32_t g) -> Status {
      if (!F.Entry(g, &ref))
        return Status(ErrorCode::kCorrupt, fmt::format("store facts file {} is damaged: entry {} does not decode",
                                                       F.path(), g));
      const RegistryEntry* entry = have_registry ? I.registry().Find(ref.ref.id, ref.ref.ror) : nullptr;
      described_at[g] = static_cast<int32_t>(described.size());
      described.emplace_back();
      root_done.push_back(0);
      info_done.push_back(0);
      fb.Describe(ref.ref, ref.lineage.data(), ref.lineage.size(), ref.name, entry, in_scope[g] != 0,
                  &described.back(), &pool);
      return Status::Ok();
    };
    FactsFile::Block block;  // reused: it keeps its arrays' capacity
    for (;;) {
      size_t s = next.fetch_add(1);
      if (s >= n || !L.error.ok()) break;
      // Segments without an entry in S are not opened.
      const uint32_t segment_rows = static_cast<uint32_t>(I.rows[s].works);
      Status st = F.Find(I.rows[s].id, segment_rows, I.verify_checksums, &block);
      if (!st.ok()) return L.error = st, void();
      bool holds = false;
      for (uint32_t d = 0; d < block.dict_count && !holds; ++d) holds = in_scope[block.globals[d]] != 0;
      if (!holds) continue;
      if (st = F.ReadRows(I.rows[s].id, I.verify_checksums, &block); !st.ok())
        return L.error = st, void();
      auto opened = I.LightReader(s);
      if (!opened.ok()) return L.error = opened.status(), void();
      const SegmentReader& r = *opened.value();
      if (block.dict_count != r.dict_size())
        st = Status(ErrorCode::kCorrupt, fmt::format("store facts file {} is damaged: segment {} has {} entries, the "
                                                     "file {}",
                                                     F.path(), I.rows[s].name, r.dict_size(), block.dict_count));
      if (!st.ok()) return L.error = st, void();
      // The segment's entries in S, then their works.
      lists.clear();
      for (uint32_t d = 0; d < block.dict_count && st.ok(); ++d) {
        if (!in_scope[block.globals[d]]) continue;
        auto bm = r.PostingsAt(block.posting_offsets[d], block.posting_offsets[d + 1]);
        if (bm.ok())
          lists.push_back(bm.value());
        else
          st = bm.status();
      }
      roaring_bitmap_t* rows = roaring_bitmap_or_many(lists.size(), const_cast<const roaring_bitmap_t**>(lists.data()));
      for (auto* l : lists) roaring_bitmap_free(l);
      roaring_bitmap_andnot_inplace(rows, I.dead[s]);
      roaring_uint32_iterator_t* it = roaring_create_iterator(rows);
      for (; it->has_value && st.ok(); roaring_advance_uint32_iterator(it)) {
        const uint32_t at = it->current_value;
        if (st = r.DecodeShape(at, &row); !st.ok()) break;
        mentions.resize(row.mentions.size());
        bool any = false;
        for (size_t m = 0; m < row.mentions.size() && st.ok(); ++m) {
          const uint32_t g = block.globals[row.mentions[m]];
          row.mentions[m] = g;
          if (described_at[g] < 0) st = describe(g);
          any = any || in_scope[g];
        }
        if (!st.ok()) break;
        if (!any) continue;
        for (size_t m = 0; m < row.mentions.size(); ++m) mentions[m] = &described[described_at[row.mentions[m]]];
        WorkShape shape{0, row.year, mentions.data(), mentions.size(), row.authorships.data(), row.authorships.size(),
                        nullptr, &pool};
        fb.Group(shape);
        fb.BuildScoped(shape, &facts);
        // The scope-free facts, as the settle step stored them.
        const uint32_t set = block.Set(at);
        const uint16_t code = set < block.set_count ? block.codes[set] : 0;
        uint16_t flags;
        CollabType type;
        CountryClass cls;
        if (set >= block.set_count || !UnpackFactsCode(code, &flags, &type, &cls) || row.year < 0 ||
            row.year >= kYearSlots) {
          st = Status(ErrorCode::kCorrupt, fmt::format("store facts file {} is damaged: segment {} row {} out of range",
                                                       F.path(), I.rows[s].name, at));
          break;
        }
        auto& slot = L.years[row.year];
        if (!slot) slot = std::make_unique<YearSums>();
        YearSums& y = *slot;
        const FracUnits units = ToFracUnits(facts.frac);
        y.codes[code].Add(units);
        const CountryCode* k = block.countries + block.set_offsets[set];
        const size_t nk = block.set_offsets[set + 1] - block.set_offsets[set];
        y.country_mentions += nk;
        for (size_t i = 0; i < nk; ++i) {
          const int c = CountryIndex(k[i]);
          if (c < 0 || c >= kCountrySlots) {
            st = Status(ErrorCode::kCorrupt,
                        fmt::format("store facts file {} is damaged: a country code out of range", F.path()));
            break;
          }
          y.countries[c].Add(units);
          if (nk == 1) y.single[c].Add(units);
        }
        for (PartnerKey key : fb.partners()) {
          const uint32_t d = dense_of(key);
          if (d >= y.partners.size()) y.partners.resize(std::max<size_t>(d + 1, 2 * y.partners.size()));
          y.partners[d].Add(units);
        }
        for (CountryCode c : fb.members()) ++L.members[CountryIndex(c)];
        for (const FactsBuilder::Named& nm : fb.root_names()) {
          const int32_t di = described_at[row.mentions[nm.name_mention]];
          if (root_done[di]) continue;
          root_done[di] = 1;
          MergeRootName(described[di].name, &L.arena.root_names[nm.key]);
        }
        for (const FactsBuilder::Named& nm : fb.partner_names()) {
          // Most institutions are one mention: their description is that
          // entry's, merged once.
          const int32_t di = nm.name_mention >= 0 ? described_at[row.mentions[nm.name_mention]] : -1;
          const bool plain = di >= 0 && described[di].country == nm.country && described[di].ror == nm.ror;
          if (plain && info_done[di]) continue;
          if (plain) info_done[di] = 1;
          MergePartnerInfo(PartnerInfo{di >= 0 ? std::string(described[di].name) : std::string(), nm.country, nm.ror,
                                       false},
                           &L.arena.partner_info[nm.key]);
        }
        ++L.works;
      }
      roaring_free_uint32_iterator(it);
      roaring_bitmap_free(rows);
      if (!st.ok()) return L.error = st, void();
    }
  };
  RunThreads(nthreads, run);
  Collected out;
  out.tallied = true;
  out.registry = &I.registry();
  out.ingest = I.totals.ingest;
  std::array<uint64_t, kCountrySlots> members{};
  for (const Local& L : locals) {
    if (!L.error.ok()) return L.error;
    out.ingest.in_scope += L.works;
    for (int c = 0; c < kCountrySlots; ++c) members[c] += L.members[c];
    for (const auto& [key, info] : L.arena.partner_info) MergePartnerInfo(info, &out.arena.partner_info[key]);
    for (const auto& [id, name] : L.arena.root_names) MergeRootName(name, &out.arena.root_names[id]);
    for (int year = 0; year < kYearSlots; ++year) {
      if (!L.years[year]) continue;
      const YearSums& y = *L.years[year];
      coopscope::Tally& t = out.years[year];
      for (int code = 0; code < kFactsCodes; ++code) {
        if (y.codes[code].full == 0) continue;
        uint16_t flags;
        CollabType type;
        CountryClass cls;
        UnpackFactsCode(static_cast<uint16_t>(code), &flags, &type, &cls);
        t.AddFlags(flags, type, cls, y.codes[code]);
      }
      for (int c = 0; c < kCountrySlots; ++c) {
        if (y.countries[c].full != 0) t.countries[CountryAt(c)].Add(y.countries[c]);
        if (y.single[c].full != 0) t.single_country[CountryAt(c)].Add(y.single[c]);
      }
      t.country_mentions += y.country_mentions;
      coopscope::Tally partners;
      for (size_t d = 0; d < y.partners.size(); ++d)
        if (y.partners[d].full != 0) partners.institutions.emplace_back(L.partner_keys[d], y.partners[d]);
      std::sort(partners.institutions.begin(), partners.institutions.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      t.Merge(partners);
    }
  }
  out.inferred_home = MostFrequentCountry(members);
  return out;
}

Result<std::vector<RankRow>> Snapshot::Rank(int year) const {
  Impl& I = *impl_;
  Tallies t;
  if (Status st = LoadTallyOrgs(I.db, I.dir, I.registry(), &t); !st.ok()) return st;
  auto blob = TallyBlob(I.db, kTallyRankKind, year);
  if (!blob.ok()) return blob.status();
  std::vector<TallyRank> rows;
  if (!blob->empty())
    if (Status st = DecodeRankYear(blob.value(), TallyWhere(I.dir, kTallyRankKind, year), t.orgs.size(), &rows);
        !st.ok())
      return st;
  const CountryPolicy store_policy = policy();
  std::vector<RankRow> out;
  out.reserve(rows.size());
  for (const TallyRank& row : rows) {
    const TallyOrg& o = t.orgs[row.org];
    RankRow r;
    r.org = o.key;
    r.p = row.p;
    r.p_frac = row.p_frac;
    r.p_int_collab = row.p_int_collab;
    // kRegistry: as the settle step named it from this very registry;
    // kWorksEntry: the entry of the ROR the works give.
    if (const RegistryEntry* named = NamingEntry(o, I.registry())) {
      r.name = named->name;
      r.country = store_policy.Map(named->country);
      r.ror = named->ror;
    } else if (o.naming == TallyNaming::kRegistry) {
      return Status(ErrorCode::kCorrupt, fmt::format("store tallies {} name organisation {} after a registry "
                                                     "entry the store's registry does not hold",
                                                     TallyWhere(I.dir, kTallyOrgsKind, 0), OrgText(r.org)));
    } else if (o.naming == TallyNaming::kWorksEntry) {
      return Status(ErrorCode::kCorrupt, fmt::format("store tallies {} name organisation {} after registry entry {} "
                                                     "of {}",
                                                     TallyWhere(I.dir, kTallyOrgsKind, 0), OrgText(r.org), o.entry,
                                                     I.registry().entries().size()));
    } else if (o.naming == TallyNaming::kWorks) {
      r.name = o.name;
      r.country = o.country;
      r.ror = o.ror;
    }
    const RegistryEntry* e = FindKey(I.registry(), r.org);
    if (e == nullptr && r.ror != 0) e = I.registry().FindRor(r.ror);
    if (e != nullptr) r.type = e->type;
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<CountryPairRow>> Snapshot::Countries(int year) const {
  Impl& I = *impl_;
  if (auto orgs = TallyOrgsBlob(I.db, I.dir); !orgs.ok()) return orgs.status();  // the tallies' format
  auto blob = TallyBlob(I.db, kTallyPairsKind, year);
  if (!blob.ok()) return blob.status();
  std::vector<TallyPair> rows;
  if (!blob->empty())
    if (Status st = DecodePairsYear(blob.value(), TallyWhere(I.dir, kTallyPairsKind, year), &rows); !st.ok())
      return st;
  std::vector<CountryPairRow> out;
  out.reserve(rows.size());
  for (const TallyPair& r : rows) out.push_back(CountryPairRow{r.a, r.b, r.copubs});
  return out;
}

std::vector<Reject> Snapshot::Rejects() const {
  std::vector<Reject> out;
  auto s = impl_->db.Prepare("SELECT path, line, offset, code, reason FROM rejects");
  if (!s.ok()) return out;
  Status st;
  while (s->Step(&st))
    out.push_back(Reject{s->Text(0), static_cast<uint64_t>(s->Int(1)), static_cast<uint64_t>(s->Int(2)),
                         static_cast<ErrorCode>(s->Int(3)), s->Text(4)});
  std::sort(out.begin(), out.end(), RejectBefore);
  return out;
}

std::vector<std::string> Snapshot::Verify(unsigned threads, std::vector<std::string>* notes) const {
  Impl& I = *impl_;
  std::vector<std::string> problems;
  // Every committed segment, live or not, against its catalog row.
  auto all = LoadSegmentRows(I.db, false);
  if (!all.ok()) return {all.status().message()};
  Readers readers;
  for (const SegmentRow& r : all.value()) {
    // VerifyAll checks each section's crc; the whole file's crc is compared with the catalog below.
    auto reader = SegmentReader::Open(SegmentPath(I.dir, r.name), false);
    if (!reader.ok()) {
      problems.push_back(reader.status().message());
      continue;
    }
    if (Status st = reader.value()->VerifyAll(); !st.ok()) {
      problems.push_back(st.message());
      continue;
    }
    auto crc = FileCrc(reader.value()->path());
    if (!crc.ok() || crc.value() != r.crc || reader.value()->works() != r.works)
      problems.push_back(fmt::format("store segment {} differs from the one committed (checksum or work count)",
                                     reader.value()->path()));
    readers.push_back(std::move(reader.value()));
  }
  if (!problems.empty() || all->size() != I.rows.size()) {
    if (problems.empty() && WriterRunning(I.dir)) {
      // An update is adding segments it has not published yet: they were
      // checked above; the totals wait for the settle step.
      if (notes != nullptr)
        notes->push_back(fmt::format("a build or update is running: {} of {} committed segments are not published "
                                     "yet; their checksums and decoding were checked, the totals of generation {} "
                                     "are checked once it has finished",
                                     all->size() - I.rows.size(), all->size(), I.totals.generation));
      return problems;
    }
    if (all->size() != I.rows.size())
      problems.push_back(fmt::format("{} segments are committed but the generation lists {}: the last build did not "
                                     "finish; run it again",
                                     all->size(), I.rows.size()));
    return problems;
  }
  auto gen = ComputeGeneration(I.db, all.value(), readers, I.registry(), policy(), threads);
  if (!gen.ok()) return {gen.status().message()};
  std::map<std::string, int64_t> stored;
  auto s = I.db.Prepare("SELECT key, value FROM totals");
  Status st;
  if (s.ok())
    while (s->Step(&st)) stored[s->Text(0)] = s->Int(1);
  for (const auto& [k, v] : gen->totals)
    if (stored[k] != v) problems.push_back(fmt::format("total {}: stored {}, recomputed {}", k, stored[k], v));
  const IngestReport& g = I.totals.ingest;
  if (g.read != g.accepted + g.rejected + g.duplicates)
    problems.push_back(fmt::format("counts do not reconcile: read {} != accepted {} + rejected {} + duplicates {}",
                                   g.read, g.accepted, g.rejected, g.duplicates));
  auto dead = I.db.Prepare("SELECT dead FROM live ORDER BY segment_id");
  size_t i = 0;
  if (dead.ok())
    for (; dead->Step(&st); ++i)
      if (i >= gen->dead.size() || dead->Blob(0) != gen->dead[i])
        problems.push_back(fmt::format("the superseded rows of segment {} differ from a recomputation",
                                       i < all->size() ? all.value()[i].name : "?"));
  // The rank and country tallies: each blob decodes, and holds what the settle step computes.
  {
    Tallies stored;
    if (Status d = LoadTallies(I.db, I.dir, I.registry(), &stored); !d.ok())
      problems.push_back(d.message());
    else
      CompareTallies(I.db, I.dir, TalliesOf(gen.value(), I.registry(), policy()), &problems);
  }
  // The facts file: byte for byte what the settle step writes for this generation.
  auto facts_file = GetMeta(I.db, "facts_file");
  if (facts_file.ok() && !facts_file->empty()) {
    const std::string path = I.dir + "/" + facts_file.value();
    auto bytes = ReadWholeFile(path);
    if (!bytes.ok())
      problems.push_back(fmt::format("store facts file {} cannot be read: {}", path, bytes.status().message()));
    else if (bytes.value() != EncodeFactsFile(I.totals.generation, gen->facts, &gen->entries))
      problems.push_back(fmt::format("store facts file {} is damaged: it differs from a recomputation; `coopscope "
                                     "store update` on the store writes it again",
                                     path));
  }
  // The stored answers: each decodes, and all are what the settle step
  // computes for this generation, byte for byte, with the same keys.
  if (I.totals.views > 0) {
    std::map<int64_t, ViewRow> stored_views;
    auto v = I.db.Prepare("SELECT id, org, works, view FROM views WHERE generation = ? ORDER BY id");
    auto k = I.db.Prepare("SELECT id, key FROM view_keys WHERE generation = ? ORDER BY id, key");
    if (!v.ok() || !k.ok()) return {(v.ok() ? k.status() : v.status()).message()};
    v->Bind(1, static_cast<int64_t>(I.totals.generation));
    k->Bind(1, static_cast<int64_t>(I.totals.generation));
    while (v->Step(&st)) {
      ViewRow& r = stored_views[v->Int(0)];
      r.org = static_cast<PartnerKey>(v->Int(1));
      r.works = static_cast<uint64_t>(v->Int(2));
      r.view = std::string(v->Blob(3));
      ViewAnswer answer;
      const auto& entries = I.registry().entries();
      RegistryEntryReader reader = [&entries](uint32_t entry, RegistryEntry* e) {
        if (entry >= entries.size()) return false;
        *e = entries[entry];
        return true;
      };
      if (Status d = DecodeView(r.view, fmt::format("of organisation {} in {}/store.db", OrgText(r.org), I.dir),
                                entries.size(), reader, policy(), &answer);
          !d.ok())
        problems.push_back(d.message());
    }
    while (k->Step(&st)) stored_views[k->Int(0)].keys.push_back(k->Text(1));
    auto min = ViewsMinWorks(I.db);
    auto computed = min.ok() ? ComputeViews(static_cast<uint64_t>(std::max<int64_t>(min.value(), 1)), threads)
                             : Result<std::vector<ViewRow>>(min.status());
    if (!computed.ok()) {
      problems.push_back(computed.status().message());
    } else {
      size_t i = 0;
      for (const auto& [id, r] : stored_views) {
        const ViewRow* c = i < computed->size() ? &computed.value()[i] : nullptr;
        ++i;
        if (c == nullptr || c->org != r.org || c->works != r.works || c->keys != r.keys || c->view != r.view)
          problems.push_back(fmt::format("store view {} of organisation {} in {}/store.db differs from a "
                                         "recomputation; `coopscope store update` on the store computes it again",
                                         id, OrgText(r.org), I.dir));
      }
      if (computed->size() != stored_views.size())
        problems.push_back(fmt::format("the store holds {} views, a recomputation gives {}", stored_views.size(),
                                       computed->size()));
    }
  } else if (notes != nullptr) {
    auto min = ViewsMinWorks(I.db);
    if (min.ok() && min.value() > 0) {
      auto computed = ComputeViews(static_cast<uint64_t>(min.value()), threads);
      if (computed.ok() && !computed->empty())
        notes->push_back(fmt::format("generation {} has no stored answers (its settle step was interrupted before "
                                     "them): queries read the works; `coopscope store update` computes them",
                                     I.totals.generation));
    }
  }
  return problems;
}

}  // namespace coopscope::store
