#include "store/facts_file.h"


#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "store/encoding.h"
#include "store/segment.h"

namespace coopscope::store {
namespace {

constexpr size_t kHeaderBytes = 64;
constexpr size_t kEntryBytes = 48;
constexpr size_t kHeaderCrcOffset = 28;
constexpr uint16_t kFlagBits = 0x7f;

uint64_t BlockBytes(uint64_t rows, uint64_t sets, uint64_t countries, uint64_t dict) {
  return (rows * 2 + 3) / 4 * 4 + rows * 4 + (sets + 1) * 4 + (countries * 2 + 3) / 4 * 4 + dict * 4 + (dict + 1) * 4;
}

void Pad(std::string* out, size_t align) {
  while (out->size() % align != 0) out->push_back('\0');
}

}  // namespace

uint16_t PackFactsCode(const WorkFacts& f) {
  return static_cast<uint16_t>((f.flags & kFlagBits) | static_cast<uint16_t>(f.type) << 7 |
                               static_cast<uint16_t>(f.country_class) << 9);
}

bool UnpackFactsCode(uint16_t code, uint16_t* flags, CollabType* type, CountryClass* country_class) {
  const uint16_t t = (code >> 7) & 3, c = (code >> 9) & 7;
  if (code >> 12 != 0 || c >= kCountryClasses) return false;
  *flags = code & kFlagBits;
  *type = static_cast<CollabType>(t);
  *country_class = static_cast<CountryClass>(c);
  return true;
}

FactsBlockBuilder::FactsBlockBuilder(int64_t segment_id, uint32_t rows)
    : segment_id_(segment_id), codes_(rows, 0), sets_(rows, 0) {
  index_.emplace(std::string(), 0);  // set 0: no country
  set_offsets_.push_back(0);
}

void FactsBlockBuilder::Set(uint32_t row, const WorkFacts& facts, const CountryCode* countries, size_t n) {
  codes_[row] = PackFactsCode(facts);
  key_.assign(reinterpret_cast<const char*>(countries), n * sizeof(CountryCode));
  auto [it, fresh] = index_.try_emplace(key_, static_cast<uint32_t>(set_offsets_.size() - 1));
  if (fresh) {
    countries_.insert(countries_.end(), countries, countries + n);
    set_offsets_.push_back(static_cast<uint32_t>(countries_.size()));
  }
  sets_[row] = it->second;
}

void FactsBlockBuilder::SetEntries(std::vector<uint32_t> globals, std::vector<uint32_t> posting_offsets) {
  globals_ = std::move(globals);
  posting_offsets_ = std::move(posting_offsets);
}


uint64_t FactsBlockBuilder::bytes() const {
  return BlockBytes(codes_.size(), set_offsets_.size() - 1, countries_.size(), globals_.size());
}

void FactsBlockBuilder::AppendTo(std::string* out, std::string* table) const {
  Pad(out, 8);
  const size_t begin = out->size();
  auto put = [&](const auto& v) { out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])); };
  put(codes_);
  Pad(out, 4);
  put(sets_);
  put(set_offsets_);
  put(countries_);
  Pad(out, 4);
  const size_t entries_begin = out->size();
  put(globals_);
  put(posting_offsets_);
  PutFixed<int64_t>(table, segment_id_);
  PutFixed<uint32_t>(table, static_cast<uint32_t>(codes_.size()));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(set_offsets_.size() - 1));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(countries_.size()));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(globals_.size()));
  PutFixed<uint32_t>(table, Crc32(out->data() + begin, entries_begin - begin));
  PutFixed<uint32_t>(table, Crc32(out->data() + entries_begin, out->size() - entries_begin));
  PutFixed<uint64_t>(table, begin);
  PutFixed<uint64_t>(table, out->size() - begin);
}

uint32_t FactsEntriesBuilder::Intern(const std::string& key, bool* fresh) {
  auto [it, added] = index_.try_emplace(key, size());
  *fresh = added;
  if (added) {
    bytes_ += key;
    PutVarint(&bytes_, 0);  // the posting length of a dictionary entry: none here
    offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  }
  return it->second;
}

uint64_t FactsEntriesBuilder::bytes() const {
  return uint64_t{key_count()} * 12 + offsets_.size() * 4 + bytes_.size();
}

void FactsEntriesBuilder::AppendTo(std::string* out) {
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  for (const auto& k : keys_) PutFixed<uint64_t>(out, k.first);
  for (uint32_t o : offsets_) PutFixed<uint32_t>(out, o);
  for (const auto& k : keys_) PutFixed<uint32_t>(out, k.second);
  out->append(bytes_);
}

std::string EncodeFactsFile(uint64_t generation, const std::vector<FactsBlockBuilder>& blocks,
                            FactsEntriesBuilder* entries) {
  // Built in place, in one buffer sized from the start (the file can be a
  // few hundred MB: no second copy).
  const uint64_t base = kHeaderBytes + blocks.size() * kEntryBytes;  // a multiple of 8
  uint64_t total = base;
  for (const FactsBlockBuilder& b : blocks) total += b.bytes() + 8;
  total += entries->bytes() + 8;
  std::string out;
  out.reserve(total);
  out.resize(base);
  std::string table;
  table.reserve(blocks.size() * kEntryBytes);
  for (const FactsBlockBuilder& b : blocks) b.AppendTo(&out, &table);
  Pad(&out, 8);
  const uint64_t entries_at = out.size();
  entries->AppendTo(&out);
  std::string header(kFactsMagic, sizeof(kFactsMagic));
  PutFixed<uint32_t>(&header, kFactsFormatVersion);
  PutFixed<uint32_t>(&header, static_cast<uint32_t>(blocks.size()));
  PutFixed<uint64_t>(&header, generation);
  PutFixed<uint32_t>(&header, Crc32(table.data(), table.size()));
  PutFixed<uint32_t>(&header, 0);
  PutFixed<uint64_t>(&header, entries_at);
  PutFixed<uint64_t>(&header, out.size() - entries_at);
  PutFixed<uint32_t>(&header, Crc32(out.data() + entries_at, out.size() - entries_at));
  PutFixed<uint32_t>(&header, entries->size());
  PutFixed<uint32_t>(&header, entries->key_count());
  PutFixed<uint32_t>(&header, 0);
  uint32_t crc = Crc32(header.data(), header.size());
  std::memcpy(header.data() + kHeaderCrcOffset, &crc, sizeof(crc));
  std::memcpy(out.data(), header.data(), kHeaderBytes);
  std::memcpy(out.data() + kHeaderBytes, table.data(), table.size());
  return out;
}

FactsFile::~FactsFile() = default;

Status FactsFile::Corrupt(const std::string& what) const {
  return Status(ErrorCode::kCorrupt,
                fmt::format("store facts file {} is damaged: {}; run `coopscope store verify`, then `coopscope store "
                            "update` on the store to write it again",
                            path_, what));
}

Result<std::unique_ptr<FactsFile>> FactsFile::Open(const std::string& path, uint64_t generation) {
  std::unique_ptr<FactsFile> f(new FactsFile());
  f->path_ = path;
  auto map = MappedFile::Open(path);
  if (!map.ok())
    return map.status().code() == ErrorCode::kNotFound
               ? Status(ErrorCode::kNotFound, fmt::format("store facts file {} is missing", path))
               : map.status();
  f->map_ = std::move(map.value());
  const uint64_t size = f->file_bytes();
  if (size < kHeaderBytes) return f->Corrupt(fmt::format("{} bytes, shorter than a header", size));
  const char* h = f->base();
  if (std::memcmp(h, kFactsMagic, sizeof(kFactsMagic)) != 0) return f->Corrupt("not a coopscope facts file (magic)");
  if (uint32_t v = LoadFixed<uint32_t>(h + 8); v != kFactsFormatVersion)
    return f->Corrupt(fmt::format("format version {}; this coopscope reads {}", v, kFactsFormatVersion));
  std::string header(h, kHeaderBytes);
  std::memset(header.data() + kHeaderCrcOffset, 0, 4);
  if (Crc32(header.data(), header.size()) != LoadFixed<uint32_t>(h + kHeaderCrcOffset))
    return f->Corrupt("header checksum mismatch");
  const uint32_t n = LoadFixed<uint32_t>(h + 12);
  if (LoadFixed<uint64_t>(h + 16) != generation)
    return f->Corrupt(fmt::format("it holds generation {}, the catalog {}", LoadFixed<uint64_t>(h + 16), generation));
  if (kHeaderBytes + uint64_t{n} * kEntryBytes > size) return f->Corrupt("table past the end of the file");
  const char* table = h + kHeaderBytes;
  if (Crc32(table, size_t{n} * kEntryBytes) != LoadFixed<uint32_t>(h + 24)) return f->Corrupt("table checksum mismatch");
  for (uint32_t i = 0; i < n; ++i) {
    const char* e = table + size_t{i} * kEntryBytes;
    BlockEntry entry{LoadFixed<uint32_t>(e + 8),  LoadFixed<uint32_t>(e + 12), LoadFixed<uint32_t>(e + 16),
                     LoadFixed<uint32_t>(e + 20), LoadFixed<uint32_t>(e + 24), LoadFixed<uint32_t>(e + 28),
                     LoadFixed<uint64_t>(e + 32), LoadFixed<uint64_t>(e + 40)};
    if (entry.offset % 8 != 0 || entry.offset > size || entry.bytes > size - entry.offset ||
        entry.bytes != BlockBytes(entry.rows, entry.sets, entry.countries, entry.dict))
      return f->Corrupt(fmt::format("block {} does not fit", i));
    f->entries_[LoadFixed<int64_t>(e)] = entry;
  }
  // The entry table: checked whole (every query reads it).
  const uint64_t at = LoadFixed<uint64_t>(h + 32), bytes = LoadFixed<uint64_t>(h + 40);
  f->entry_count_ = LoadFixed<uint32_t>(h + 52);
  f->key_count_ = LoadFixed<uint32_t>(h + 56);
  const uint64_t fixed = uint64_t{f->key_count_} * 12 + (uint64_t{f->entry_count_} + 1) * 4;
  if (at % 8 != 0 || at > size || bytes > size - at || fixed > bytes)
    return f->Corrupt("the entry table does not fit");
  const char* p = h + at;
  if (Crc32(p, bytes) != LoadFixed<uint32_t>(h + 48)) return f->Corrupt("entry table checksum mismatch");
  f->keys_ = reinterpret_cast<const uint64_t*>(p);
  f->entry_offsets_ = reinterpret_cast<const uint32_t*>(p + uint64_t{f->key_count_} * 8);
  f->key_entries_ = f->entry_offsets_ + f->entry_count_ + 1;
  f->entry_bytes_ = p + fixed;
  const uint64_t entry_bytes = bytes - fixed;
  if (f->entry_offsets_[0] != 0 || f->entry_offsets_[f->entry_count_] != entry_bytes)
    return f->Corrupt("the entry table does not fit");
  for (uint32_t i = 0; i < f->entry_count_; ++i)
    if (f->entry_offsets_[i + 1] < f->entry_offsets_[i]) return f->Corrupt("the entry table is out of order");
  for (uint32_t i = 0; i < f->key_count_; ++i)
    if (f->key_entries_[i] >= f->entry_count_ || (i > 0 && f->keys_[i] < f->keys_[i - 1]))
      return f->Corrupt("the key index is out of order");
  return f;
}

uint64_t FactsFile::RowsBytes(const BlockEntry& e) {
  return (uint64_t{e.rows} * 2 + 3) / 4 * 4 + uint64_t{e.rows} * 4 + (uint64_t{e.sets} + 1) * 4 +
         (uint64_t{e.countries} * 2 + 3) / 4 * 4;
}

Status FactsFile::CheckEntries(const BlockEntry& e, bool verify, Block* out) const {
  const uint64_t rows_bytes = RowsBytes(e);
  const char* entries = base() + e.offset + rows_bytes;
  if (verify && Crc32(entries, e.bytes - rows_bytes) != e.crc_entries)
    return Corrupt(fmt::format("checksum mismatch in a block at byte {}", e.offset));
  out->dict_count = e.dict;
  out->globals = reinterpret_cast<const uint32_t*>(entries);
  out->posting_offsets = out->globals + e.dict;
  for (uint32_t d = 0; d < e.dict; ++d)
    if (out->globals[d] >= entry_count_ || out->posting_offsets[d + 1] < out->posting_offsets[d])
      return Corrupt(fmt::format("entry table of the block at byte {}", e.offset));
  out->rows = e.rows;
  out->set_count = e.sets;
  return Status::Ok();
}

Status FactsFile::CheckRows(const BlockEntry& e, bool verify, Block* out) const {
  const char* b = base() + e.offset;
  if (verify && Crc32(b, RowsBytes(e)) != e.crc)
    return Corrupt(fmt::format("checksum mismatch in a block at byte {}", e.offset));
  out->codes = reinterpret_cast<const uint16_t*>(b);
  b += (uint64_t{e.rows} * 2 + 3) / 4 * 4;
  out->sets = reinterpret_cast<const uint32_t*>(b);
  b += uint64_t{e.rows} * 4;
  out->set_offsets = reinterpret_cast<const uint32_t*>(b);
  b += (uint64_t{e.sets} + 1) * 4;
  out->countries = reinterpret_cast<const CountryCode*>(b);
  // The set table must stay inside the block: rows are checked as they are read.
  if (out->set_offsets[0] != 0) return Corrupt(fmt::format("set table of the block at byte {}", e.offset));
  for (uint32_t s = 0; s < e.sets; ++s)
    if (out->set_offsets[s + 1] < out->set_offsets[s] || out->set_offsets[s + 1] > e.countries)
      return Corrupt(fmt::format("set table of the block at byte {}", e.offset));
  return Status::Ok();
}

Status FactsFile::Find(int64_t segment_id, uint32_t rows, bool verify, Block* out) const {
  auto it = entries_.find(segment_id);
  if (it == entries_.end()) return Corrupt(fmt::format("no block for segment {}", segment_id));
  if (it->second.rows != rows)
    return Corrupt(fmt::format("the block for segment {} holds {} rows, the segment {}", segment_id, it->second.rows, rows));
  return CheckEntries(it->second, verify, out);
}

Status FactsFile::ReadRows(int64_t segment_id, bool verify, Block* out) const {
  auto it = entries_.find(segment_id);
  if (it == entries_.end()) return Corrupt(fmt::format("no block for segment {}", segment_id));
  return CheckRows(it->second, verify, out);
}

bool FactsFile::Entry(uint32_t index, DictRef* out) const {
  if (index >= entry_count_) return false;
  return ParseEntry(entry_bytes_ + entry_offsets_[index], entry_bytes_ + entry_offsets_[index + 1], out);
}

void FactsFile::EntriesWithKey(uint64_t key, std::vector<uint32_t>* out) const {
  const uint64_t* b = std::lower_bound(keys_, keys_ + key_count_, key);
  for (const uint64_t* k = b; k != keys_ + key_count_ && *k == key; ++k) out->push_back(key_entries_[k - keys_]);
}

Status FactsFile::VerifyAll() const {
  DictRef ref;
  for (uint32_t i = 0; i < entry_count_; ++i)
    if (!Entry(i, &ref)) return Corrupt(fmt::format("entry {} does not decode", i));
  for (const auto& [id, e] : entries_) {
    Block b;
    if (Status st = CheckEntries(e, true, &b); !st.ok()) return st;
    if (Status st = CheckRows(e, true, &b); !st.ok()) return st;
    uint16_t flags;
    CollabType type;
    CountryClass cls;
    for (uint32_t r = 0; r < b.rows; ++r)
      if (b.sets[r] >= b.set_count || !UnpackFactsCode(b.codes[r], &flags, &type, &cls))
        return Corrupt(fmt::format("segment {} row {} out of range", id, r));
  }
  return Status::Ok();
}

}  // namespace coopscope::store
