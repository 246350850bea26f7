#include "store/facts_file.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include <fmt/format.h>
#include <zstd.h>

#include "store/encoding.h"
#include "store/segment.h"

namespace coopscope::store {
namespace {

constexpr size_t kHeaderBytes = 64;
constexpr size_t kEntryBytes = 48;
constexpr size_t kHeaderCrcOffset = 28;
constexpr uint16_t kFlagBits = 0x7f;
constexpr uint32_t kKeysPerBlock = 64;
constexpr uint32_t kEntriesPerBlock = 256;
constexpr int kEntryZstdLevel = 3;  // as the segments' dictionaries; level 19 saves only 6 % of the frames
// The largest entry block a reader decompresses: far above 64 entries of the
// longest names and lineages; a frame declaring more is damage.
constexpr uint64_t kMaxEntryBlockBytes = uint64_t{1} << 28;

int BitsOf(uint64_t max_value) { return static_cast<int>(std::bit_width(max_value)); }

// A packed area: n values of `bits` bits, readable with one 8-byte load each.
uint64_t PackedBytes(uint64_t n, int bits) { return ((n * static_cast<uint64_t>(bits) + 63) / 64 + 1) * 8; }

void AppendPacked(const std::vector<uint32_t>& values, int bits, std::string* out) {
  const size_t begin = out->size();
  out->resize(begin + PackedBytes(values.size(), bits), '\0');
  char* p = out->data() + begin;
  for (size_t i = 0; i < values.size(); ++i) {
    const uint64_t at = i * static_cast<uint64_t>(bits);
    uint64_t word = LoadFixed<uint64_t>(p + at / 8);
    word |= uint64_t{values[i]} << (at % 8);
    std::memcpy(p + at / 8, &word, sizeof(word));
  }
}

// Reads n varints from [p, end), which they must fill exactly, into out as
// running sums; false when one is malformed or a sum passes 32 bits.  Most
// are one byte: that case is read inline.
bool RunningSums(const char* p, const char* end, uint64_t n, uint32_t* out) {
  uint64_t sum = 0;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t v;
    if (p < end && static_cast<uint8_t>(*p) < 0x80) {
      v = static_cast<uint8_t>(*p++);
    } else {
      Cursor c(p, end);
      v = c.Varint();
      if (!c.ok()) return false;
      p = c.position();
    }
    sum += v;
    if (sum > UINT32_MAX) return false;
    out[i] = static_cast<uint32_t>(sum);
  }
  return p == end;
}

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void Pad(std::string* out, size_t align) {
  while (out->size() % align != 0) out->push_back('\0');
}

// Per reader thread: a decompression context (one-shot ZSTD_decompress
// allocates one per call, which would cost more than a small frame).
ZSTD_DCtx* ThreadDctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  return ctx.get();
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
    : segment_id_(segment_id), classes_(rows, 0) {
  key_.assign(sizeof(uint16_t), '\0');
  index_.emplace(key_, 0);  // class 0: code 0, no country
  class_codes_.push_back(0);
  class_sizes_.push_back(0);
}

void FactsBlockBuilder::Set(uint32_t row, const WorkFacts& facts, const CountryCode* countries, size_t n) {
  const uint16_t code = PackFactsCode(facts);
  key_.assign(reinterpret_cast<const char*>(&code), sizeof(code));
  key_.append(reinterpret_cast<const char*>(countries), n * sizeof(CountryCode));
  auto [it, fresh] = index_.try_emplace(key_, static_cast<uint32_t>(class_codes_.size()));
  if (fresh) {
    class_codes_.push_back(code);
    class_sizes_.push_back(static_cast<uint32_t>(n));
    countries_.insert(countries_.end(), countries, countries + n);
  }
  classes_[row] = it->second;
}

void FactsBlockBuilder::SetEntries(std::vector<uint32_t> globals, std::vector<uint32_t> posting_offsets) {
  globals_ = std::move(globals);
  posting_offsets_ = std::move(posting_offsets);
}

uint64_t FactsBlockBuilder::bytes() const {
  constexpr uint64_t kVarint32 = 5;
  return 8 + PackedBytes(classes_.size(), 32) + class_codes_.size() * (2 + kVarint32) + countries_.size() * 2 +
         PackedBytes(globals_.size(), 32) + posting_offsets_.size() * kVarint32;
}

void FactsBlockBuilder::AppendTo(const std::vector<uint32_t>& numbers, int entry_bits, std::string* out,
                                 std::string* table) const {
  Pad(out, 8);
  const size_t begin = out->size();
  auto put = [&](const auto& v) { out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0])); };
  const uint32_t n_classes = static_cast<uint32_t>(class_codes_.size());
  AppendPacked(classes_, BitsOf(n_classes - 1), out);
  put(class_codes_);
  put(countries_);
  for (uint32_t n : class_sizes_) PutVarint(out, n);
  const size_t entries_begin = out->size();
  std::vector<uint32_t> mapped(globals_.size());
  for (size_t d = 0; d < globals_.size(); ++d) mapped[d] = numbers[globals_[d]];
  AppendPacked(mapped, entry_bits, out);
  for (size_t d = 0; d < posting_offsets_.size(); ++d)
    PutVarint(out, d == 0 ? posting_offsets_[0] : posting_offsets_[d] - posting_offsets_[d - 1]);
  PutFixed<int64_t>(table, segment_id_);
  PutFixed<uint32_t>(table, static_cast<uint32_t>(classes_.size()));
  PutFixed<uint32_t>(table, n_classes);
  PutFixed<uint32_t>(table, static_cast<uint32_t>(countries_.size()));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(globals_.size()));
  PutFixed<uint32_t>(table, Crc32(out->data() + begin, entries_begin - begin));
  PutFixed<uint32_t>(table, Crc32(out->data() + entries_begin, out->size() - entries_begin));
  PutFixed<uint64_t>(table, begin);
  // A segment holds at most a few million rows and entries: its parts stay far below 4 GiB.
  PutFixed<uint32_t>(table, static_cast<uint32_t>(entries_begin - begin));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(out->size() - entries_begin));
}

uint32_t FactsEntriesBuilder::Intern(const std::string& key, bool* fresh) {
  // An entry's bytes end with its posting length, one byte (0): the key is
  // what precedes it.
  const uint32_t e = index_.FindOrAdd(
      key, size(),
      [&](uint32_t x) { return std::string_view(bytes_.data() + offsets_[x], offsets_[x + 1] - offsets_[x] - 1); },
      fresh);
  if (*fresh) {
    bytes_ += key;
    PutVarint(&bytes_, 0);  // the posting length of a dictionary entry: none here
    offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  }
  return e;
}

void FactsEntriesBuilder::Seal() {
  if (sealed_) return;
  sealed_ = true;
  index_.Clear();
  // File order: by OpenAlex id (the stored form's first varint), then by
  // stored form, so an institution's variants share a block and compress
  // together, and the key index's entry numbers grow with their keys.
  const uint32_t n = size();
  auto form = [&](uint32_t e) { return std::string_view(bytes_.data() + offsets_[e], offsets_[e + 1] - offsets_[e]); };
  std::vector<std::pair<uint64_t, uint32_t>> order(n);
  for (uint32_t e = 0; e < n; ++e) {
    Cursor c(bytes_.data() + offsets_[e], bytes_.data() + offsets_[e + 1]);
    order[e] = {c.Varint(), e};
  }
  std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : form(a.second) < form(b.second);
  });
  numbers_.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) numbers_[order[i].second] = i;
  for (auto& k : keys_) k.second = numbers_[k.second];
  std::sort(keys_.begin(), keys_.end());
  keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  key_count_ = static_cast<uint32_t>(keys_.size());

  // Key blocks.
  const uint64_t key_blocks = (keys_.size() + kKeysPerBlock - 1) / kKeysPerBlock;
  std::string key_bytes;
  std::vector<uint64_t> key_offsets{0};
  for (uint64_t b = 0; b < key_blocks; ++b) {
    const size_t first = b * kKeysPerBlock, last = std::min<size_t>(first + kKeysPerBlock, keys_.size());
    for (size_t i = first; i < last; ++i) {
      if (i > first) PutVarint(&key_bytes, keys_[i].first - keys_[i - 1].first);
      PutVarint(&key_bytes, ZigZag(int64_t{keys_[i].second} - (i > first ? int64_t{keys_[i - 1].second} : 0)));
    }
    key_offsets.push_back(key_bytes.size());
  }
  // Entry blocks, each one zstd frame: the entries' lengths, then the entries.
  const uint64_t entry_blocks = (uint64_t{n} + kEntriesPerBlock - 1) / kEntriesPerBlock;
  std::string frames, raw, packed;
  std::vector<uint64_t> frame_offsets{0};
  std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  for (uint64_t b = 0; b < entry_blocks; ++b) {
    const uint64_t first = b * kEntriesPerBlock, last = std::min<uint64_t>(first + kEntriesPerBlock, n);
    raw.clear();
    for (uint64_t i = first; i < last; ++i) PutVarint(&raw, form(order[i].second).size());
    for (uint64_t i = first; i < last; ++i) raw += form(order[i].second);
    packed.resize(ZSTD_compressBound(raw.size()));
    const size_t got =
        ZSTD_compressCCtx(cctx.get(), packed.data(), packed.size(), raw.data(), raw.size(), kEntryZstdLevel);
    // Compressing into a buffer of ZSTD_compressBound bytes cannot fail but for a bug.
    if (ZSTD_isError(got)) throw std::logic_error(std::string("zstd: ") + ZSTD_getErrorName(got));
    frames.append(packed.data(), got);
    frame_offsets.push_back(frames.size());
  }
  table_.clear();
  for (uint64_t b = 0; b < key_blocks; ++b) PutFixed<uint64_t>(&table_, keys_[b * kKeysPerBlock].first);
  for (uint64_t o : key_offsets) PutFixed<uint64_t>(&table_, o);
  for (uint64_t o : frame_offsets) PutFixed<uint64_t>(&table_, o);
  table_ += key_bytes;
  table_ += frames;
  keys_ = {};
}

std::string EncodeFactsFile(uint64_t generation, const std::vector<FactsBlockBuilder>& blocks,
                            FactsEntriesBuilder* entries) {
  entries->Seal();
  const int entry_bits = BitsOf(entries->size() > 0 ? entries->size() - 1 : 0);
  // Built in place, in one buffer sized from the start (no second copy).
  const uint64_t base = kHeaderBytes + blocks.size() * kEntryBytes;  // a multiple of 8
  uint64_t total = base;
  for (const FactsBlockBuilder& b : blocks) total += b.bytes();
  total += entries->table().size() + 8;
  std::string out;
  out.reserve(total);
  out.resize(base);
  std::string table;
  table.reserve(blocks.size() * kEntryBytes);
  for (const FactsBlockBuilder& b : blocks) b.AppendTo(entries->numbers(), entry_bits, &out, &table);
  Pad(&out, 8);
  const uint64_t entries_at = out.size();
  out += entries->table();
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
  auto map = MappedFile::Open(path, "store facts file");
  if (!map.ok()) return map.status();
  f->map_ = std::move(map.value());
  const uint64_t size = f->file_bytes();
  if (size < kHeaderBytes) return f->Corrupt(fmt::format("{} bytes, shorter than a header", size));
  const char* h = f->base();
  if (std::memcmp(h, kFactsMagic, sizeof(kFactsMagic)) != 0) return f->Corrupt("not a coopscope facts file (magic)");
  std::string header(h, kHeaderBytes);
  std::memset(header.data() + kHeaderCrcOffset, 0, 4);
  if (Crc32(header.data(), header.size()) != LoadFixed<uint32_t>(h + kHeaderCrcOffset))
    return f->Corrupt("header checksum mismatch");
  // Another version (an older coopscope's, or a newer one's): the works are
  // decoded instead, with the same answers, until a settle writes this one.
  if (uint32_t v = LoadFixed<uint32_t>(h + 8); v != kFactsFormatVersion)
    return Status(ErrorCode::kNotFound, fmt::format("store facts file {} is of format version {}; this coopscope "
                                                    "reads {}",
                                                    path, v, kFactsFormatVersion));
  const uint32_t n = LoadFixed<uint32_t>(h + 12);
  if (LoadFixed<uint64_t>(h + 16) != generation)
    return f->Corrupt(fmt::format("it holds generation {}, the catalog {}", LoadFixed<uint64_t>(h + 16), generation));
  if (kHeaderBytes + uint64_t{n} * kEntryBytes > size) return f->Corrupt("table past the end of the file");
  const char* table = h + kHeaderBytes;
  if (Crc32(table, size_t{n} * kEntryBytes) != LoadFixed<uint32_t>(h + 24)) return f->Corrupt("table checksum mismatch");
  f->entry_count_ = LoadFixed<uint32_t>(h + 52);
  f->key_count_ = LoadFixed<uint32_t>(h + 56);
  f->entry_bits_ = BitsOf(f->entry_count_ > 0 ? f->entry_count_ - 1 : 0);
  for (uint32_t i = 0; i < n; ++i) {
    const char* e = table + size_t{i} * kEntryBytes;
    BlockEntry entry{LoadFixed<uint32_t>(e + 8),  LoadFixed<uint32_t>(e + 12), LoadFixed<uint32_t>(e + 16),
                     LoadFixed<uint32_t>(e + 20), LoadFixed<uint32_t>(e + 24), LoadFixed<uint32_t>(e + 28),
                     LoadFixed<uint64_t>(e + 32), LoadFixed<uint32_t>(e + 40), LoadFixed<uint32_t>(e + 44)};
    // The fixed-width parts must fit; the varints are checked as they are read.
    const uint64_t rows_fixed = PackedBytes(entry.rows, BitsOf(entry.sets > 0 ? entry.sets - 1 : 0)) +
                                uint64_t{entry.sets} * 2 + uint64_t{entry.countries} * 2 + entry.sets;
    const uint64_t entries_fixed = PackedBytes(entry.dict, f->entry_bits_) + uint64_t{entry.dict} + 1;
    if (entry.offset % 8 != 0 || entry.offset > size ||
        uint64_t{entry.rows_bytes} + entry.entries_bytes > size - entry.offset || entry.sets == 0 ||
        entry.rows_bytes < rows_fixed || entry.entries_bytes < entries_fixed)
      return f->Corrupt(fmt::format("block {} does not fit", i));
    f->entries_[LoadFixed<int64_t>(e)] = entry;
  }
  // The entry table: its crc checked whole, its block index here, its key
  // and entry blocks when they are read.
  const uint64_t at = LoadFixed<uint64_t>(h + 32), bytes = LoadFixed<uint64_t>(h + 40);
  if (at % 8 != 0 || at > size || bytes > size - at) return f->Corrupt("the entry table does not fit");
  const char* p = h + at;
  if (Crc32(p, bytes) != LoadFixed<uint32_t>(h + 48)) return f->Corrupt("entry table checksum mismatch");
  f->key_blocks_ = (uint64_t{f->key_count_} + kKeysPerBlock - 1) / kKeysPerBlock;
  f->entry_blocks_ = (uint64_t{f->entry_count_} + kEntriesPerBlock - 1) / kEntriesPerBlock;
  const uint64_t fixed = (f->key_blocks_ * 2 + 1 + f->entry_blocks_ + 1) * 8;
  if (fixed > bytes) return f->Corrupt("the entry table does not fit");
  f->first_keys_ = p;
  f->key_offsets_ = p + f->key_blocks_ * 8;
  f->frame_offsets_ = f->key_offsets_ + (f->key_blocks_ + 1) * 8;
  f->key_bytes_ = p + fixed;
  const uint64_t key_bytes = LoadFixed<uint64_t>(f->key_offsets_ + f->key_blocks_ * 8);
  if (key_bytes > bytes - fixed ||
      LoadFixed<uint64_t>(f->frame_offsets_ + f->entry_blocks_ * 8) != bytes - fixed - key_bytes)
    return f->Corrupt("the entry table does not fit");
  f->frames_ = f->key_bytes_ + key_bytes;
  auto offsets_ok = [](const char* o, uint64_t n_blocks) {
    if (LoadFixed<uint64_t>(o) != 0) return false;
    for (uint64_t b = 0; b < n_blocks; ++b)
      if (LoadFixed<uint64_t>(o + (b + 1) * 8) < LoadFixed<uint64_t>(o + b * 8)) return false;
    return true;
  };
  if (!offsets_ok(f->key_offsets_, f->key_blocks_) || !offsets_ok(f->frame_offsets_, f->entry_blocks_))
    return f->Corrupt("the entry table is out of order");
  for (uint64_t b = 1; b < f->key_blocks_; ++b)
    if (LoadFixed<uint64_t>(f->first_keys_ + b * 8) < LoadFixed<uint64_t>(f->first_keys_ + (b - 1) * 8))
      return f->Corrupt("the key index is out of order");
  f->entry_cache_ = std::make_unique<EntryBlock[]>(f->entry_blocks_);
  return f;
}

Status FactsFile::KeyBlock(uint64_t b, std::vector<std::pair<uint64_t, uint32_t>>* out) const {
  auto bad = [&] { return Corrupt(fmt::format("key block {} does not decode", b)); };
  const uint64_t n = std::min<uint64_t>(kKeysPerBlock, key_count_ - b * kKeysPerBlock);
  Cursor c(key_bytes_ + LoadFixed<uint64_t>(key_offsets_ + b * 8),
           key_bytes_ + LoadFixed<uint64_t>(key_offsets_ + (b + 1) * 8));
  uint64_t key = LoadFixed<uint64_t>(first_keys_ + b * 8);
  int64_t entry = 0;
  for (uint64_t i = 0; i < n; ++i) {
    if (i > 0) {
      const uint64_t step = c.Varint();
      if (step > UINT64_MAX - key) return bad();
      key += step;
    }
    entry += UnZigZag(c.Varint());
    if (!c.ok() || entry < 0 || entry >= int64_t{entry_count_}) return bad();
    out->emplace_back(key, static_cast<uint32_t>(entry));
  }
  // Its keys stay below the next block's first key: the index is in order.
  if (!c.at_end() || (b + 1 < key_blocks_ && key > LoadFixed<uint64_t>(first_keys_ + (b + 1) * 8))) return bad();
  return Status::Ok();
}

Status FactsFile::CheckEntries(const BlockEntry& e, bool verify, Block* out) const {
  const char* entries = base() + e.offset + e.rows_bytes;
  if (verify && Crc32(entries, e.entries_bytes) != e.crc_entries)
    return Corrupt(fmt::format("checksum mismatch in a block at byte {}", e.offset));
  out->globals_.resize(e.dict);
  uint32_t top = 0;
  for (uint32_t d = 0; d < e.dict; ++d) {
    out->globals_[d] = LoadPacked(entries, entry_bits_, d);
    top = std::max(top, out->globals_[d]);
  }
  if (e.dict > 0 && top >= entry_count_) return Corrupt(fmt::format("entry table of the block at byte {}", e.offset));
  out->globals = out->globals_.data();
  out->dict_count = e.dict;
  out->rows = e.rows;
  out->set_count = e.sets;
  return Status::Ok();
}

Status FactsFile::CheckRows(const BlockEntry& e, bool verify, Block* out) const {
  const char* b = base() + e.offset;
  if (verify && Crc32(b, e.rows_bytes) != e.crc)
    return Corrupt(fmt::format("checksum mismatch in a block at byte {}", e.offset));
  // Posting offsets: varints to the end of the entry part.
  const char* entries = b + e.rows_bytes;
  out->posting_offsets_.resize(uint64_t{e.dict} + 1);
  if (!RunningSums(entries + PackedBytes(e.dict, entry_bits_), entries + e.entries_bytes, uint64_t{e.dict} + 1,
                   out->posting_offsets_.data()))
    return Corrupt(fmt::format("posting offsets of the block at byte {}", e.offset));
  out->posting_offsets = out->posting_offsets_.data();
  // The class table: codes, countries, then each class's country count.
  out->class_bits = BitsOf(e.sets - 1);
  out->classes = b;
  b += PackedBytes(e.rows, out->class_bits);
  out->codes = reinterpret_cast<const uint16_t*>(b);
  b += uint64_t{e.sets} * 2;
  out->countries = reinterpret_cast<const CountryCode*>(b);
  b += uint64_t{e.countries} * 2;
  out->set_offsets_.resize(uint64_t{e.sets} + 1);
  out->set_offsets_[0] = 0;
  if (!RunningSums(b, base() + e.offset + e.rows_bytes, e.sets, out->set_offsets_.data() + 1) ||
      out->set_offsets_[e.sets] != e.countries)
    return Corrupt(fmt::format("class table of the block at byte {}", e.offset));
  out->set_offsets = out->set_offsets_.data();
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

void FactsFile::LoadEntryBlock(uint64_t b, EntryBlock* block) const {
  const uint64_t begin = LoadFixed<uint64_t>(frame_offsets_ + b * 8);
  const uint64_t end = LoadFixed<uint64_t>(frame_offsets_ + (b + 1) * 8);
  const char* frame = frames_ + begin;
  const unsigned long long raw = ZSTD_getFrameContentSize(frame, end - begin);
  if (raw == ZSTD_CONTENTSIZE_UNKNOWN || raw == ZSTD_CONTENTSIZE_ERROR || raw > kMaxEntryBlockBytes) return;
  block->bytes = std::make_unique_for_overwrite<char[]>(raw);
  const size_t got = ZSTD_decompressDCtx(ThreadDctx(), block->bytes.get(), raw, frame, end - begin);
  if (ZSTD_isError(got) || got != raw) return;
  const uint64_t n = std::min<uint64_t>(kEntriesPerBlock, entry_count_ - b * kEntriesPerBlock);
  Cursor c(block->bytes.get(), block->bytes.get() + raw);
  block->offsets.assign(1, 0);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t next = block->offsets.back() + c.Varint();
    if (next > raw) return;
    block->offsets.push_back(static_cast<uint32_t>(next));
  }
  const uint64_t lengths = static_cast<uint64_t>(c.position() - block->bytes.get());
  if (!c.ok() || block->offsets.back() != raw - lengths) return;
  for (uint32_t& o : block->offsets) o += static_cast<uint32_t>(lengths);
  block->ok = true;
}

bool FactsFile::Entry(uint32_t index, DictRef* out) const {
  if (index >= entry_count_) return false;
  const uint64_t b = index / kEntriesPerBlock;
  EntryBlock& block = entry_cache_[b];
  std::call_once(block.once, [&] { LoadEntryBlock(b, &block); });
  if (!block.ok) return false;
  const uint64_t i = index % kEntriesPerBlock;
  return ParseEntry(block.bytes.get() + block.offsets[i], block.bytes.get() + block.offsets[i + 1], out);
}

Status FactsFile::EntriesWithKey(uint64_t key, std::vector<uint32_t>* out) const {
  // The key's pairs start in the last block whose first key is below it (or
  // in the first block), and may run on through blocks that start with it.
  uint64_t lo = 0, hi = key_blocks_;
  while (lo < hi) {
    const uint64_t mid = (lo + hi) / 2;
    if (LoadFixed<uint64_t>(first_keys_ + mid * 8) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  for (uint64_t b = lo > 0 ? lo - 1 : 0; b < key_blocks_ && LoadFixed<uint64_t>(first_keys_ + b * 8) <= key; ++b) {
    keys.clear();
    if (Status st = KeyBlock(b, &keys); !st.ok()) return st;
    for (const auto& [k, entry] : keys)
      if (k == key) out->push_back(entry);
  }
  return Status::Ok();
}

Status FactsFile::VerifyAll() const {
  std::vector<std::pair<uint64_t, uint32_t>> keys;
  for (uint64_t b = 0; b < key_blocks_; ++b)
    if (Status st = KeyBlock(b, &keys); !st.ok()) return st;
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
      if (b.Set(r) >= b.set_count) return Corrupt(fmt::format("segment {} row {} out of range", id, r));
    for (uint32_t s = 0; s < b.set_count; ++s)
      if (!UnpackFactsCode(b.codes[s], &flags, &type, &cls))
        return Corrupt(fmt::format("segment {} class {} out of range", id, s));
  }
  return Status::Ok();
}

}  // namespace coopscope::store
