// The facts file of a generation (docs/store-format.md, "Facts file"): per
// segment and row, the per-work facts that do not depend on the scope S —
// flags, collaboration type and country class packed in a code, and K(w) —
// as the row's class, an index into the segment's table of distinct (code,
// K(w)) pairs.  Written by the settle step (they depend on the registry and
// the country rules, which an update may replace), read by queries through a
// memory mapping.
//
// FactsFile is safe for concurrent readers: it is immutable once opened but
// for its cache of decompressed entry blocks, each filled once under its own
// once_flag.  Every part is bounds-checked, and its crc32 checked when asked,
// so a damaged file is an error naming it, never a crash.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "indicators/work_facts.h"
#include "io/mapped_file.h"
#include "io/status.h"
#include "store/segment.h"

namespace coopscope::store {

inline constexpr char kFactsMagic[8] = {'C', 'O', 'O', 'P', 'F', 'C', 'T', '\n'};
inline constexpr uint32_t kFactsFormatVersion = 2;

// flags (the 7 WorkFlag bits) | type << 7 | country class << 9.
uint16_t PackFactsCode(const WorkFacts& facts);
// False when the code holds an unknown type or class.
bool UnpackFactsCode(uint16_t code, uint16_t* flags, CollabType* type, CountryClass* country_class);
inline constexpr int kFactsCodes = 1 << 12;

// One segment's facts, as the settle step builds them.
class FactsBlockBuilder {
 public:
  explicit FactsBlockBuilder(int64_t segment_id = 0, uint32_t rows = 0);
  // Row `row`'s facts, with K(w) as `countries` (sorted).  Rows not set
  // (superseded, merged away) keep class 0: code 0 and no country.
  void Set(uint32_t row, const WorkFacts& facts, const CountryCode* countries, size_t n_countries);
  // Per dictionary entry of the segment: its number given by
  // FactsEntriesBuilder::Intern, and where its posting list starts (dict
  // size + 1 values).
  void SetEntries(std::vector<uint32_t> globals, std::vector<uint32_t> posting_offsets);
  uint64_t bytes() const;  // at most what AppendTo appends, padding included
  // Frees what only Set needs, once every row is set.
  void Seal() { index_ = {}; }
  // Appends the block (8-byte aligned) to *out and its entry to *table, its
  // entry numbers mapped through `numbers` (FactsEntriesBuilder::numbers())
  // and packed in `entry_bits` bits.
  void AppendTo(const std::vector<uint32_t>& numbers, int entry_bits, std::string* out, std::string* table) const;

 private:
  int64_t segment_id_;
  std::vector<uint32_t> globals_, posting_offsets_{0};
  std::vector<uint32_t> classes_;      // per row
  std::vector<uint16_t> class_codes_;  // per class
  std::vector<uint32_t> class_sizes_;  // per class: its countries
  std::vector<CountryCode> countries_;
  std::unordered_map<std::string, uint32_t> index_;  // code and countries -> class
  std::string key_;
};

// The generation's table of distinct dictionary entries (segments each keep
// their own dictionary; a query describes each institution once) and its key
// index: every id and ROR through which an entry can be in a scope.
class FactsEntriesBuilder {
 public:
  // The number of the entry whose stored form (AppendEntryKey) is `key`,
  // added when new: then *fresh is set, and its scope keys must be added.
  // Numbers are given in first-met order; the file numbers entries in
  // (OpenAlex id, stored form) order (numbers() maps one to the other).
  uint32_t Intern(const std::string& key, bool* fresh);
  // A key of entry `entry` (as Intern numbered it): an OpenAlex id, or a ROR
  // id | kRorKeyBit.
  void AddKey(uint64_t key, uint32_t entry) { keys_.emplace_back(key, entry); }
  // Numbers the entries in file order, then encodes the entry table (key
  // blocks, zstd frames); nothing can be added after.  Idempotent.
  void Seal();
  // After Seal: per Intern number, the entry's number in the file.
  const std::vector<uint32_t>& numbers() const { return numbers_; }
  const std::string& table() const { return table_; }  // after Seal
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  uint32_t key_count() const { return key_count_; }  // distinct (key, entry) pairs, after Seal

 private:
  BytesIndex index_;  // the entries by their stored form (bytes_ without the posting length)
  std::string bytes_;
  std::vector<uint32_t> offsets_{0};
  std::vector<std::pair<uint64_t, uint32_t>> keys_;
  bool sealed_ = false;
  std::vector<uint32_t> numbers_;
  std::string table_;
  uint32_t key_count_ = 0;
};

// Value i of a packed area (docs/store-format.md, "Facts file"): `bits`
// bits (at most 32) at bit i * bits, little-endian; the area's padding makes
// the 8-byte load safe.
inline uint32_t LoadPacked(const char* p, int bits, uint64_t i) {
  const uint64_t at = i * static_cast<uint64_t>(bits);
  uint64_t word;
  std::memcpy(&word, p + at / 8, sizeof(word));
  return static_cast<uint32_t>((word >> (at % 8)) & ((uint64_t{1} << bits) - 1));
}

// The whole file: header, table, blocks, entry table.
std::string EncodeFactsFile(uint64_t generation, const std::vector<FactsBlockBuilder>& blocks,
                            FactsEntriesBuilder* entries);

class FactsFile {
 public:
  // A segment's block, decoded where the query reads it whole (entry numbers,
  // posting offsets, the class table), read in place where it reads a few
  // (each row's class).
  struct Block {
    // The row's class (an index in codes and set_offsets, < set_count when
    // the block is sound: the caller checks), for row < rows.
    uint32_t Set(uint32_t row) const { return LoadPacked(classes, class_bits, row); }
    const uint16_t* codes = nullptr;        // per class
    const uint32_t* set_offsets = nullptr;  // per class + 1, into countries, non-decreasing
    const CountryCode* countries = nullptr;
    const uint32_t* globals = nullptr;          // per dictionary entry: < entry_count()
    const uint32_t* posting_offsets = nullptr;  // per dictionary entry + 1, non-decreasing
    uint32_t rows = 0, set_count = 0, dict_count = 0;

    const char* classes = nullptr;  // packed, class_bits each
    int class_bits = 0;
    // What globals, set_offsets and posting_offsets point into: a Block
    // used for segment after segment keeps their capacity.
    std::vector<uint32_t> globals_, set_offsets_, posting_offsets_;
  };
  // Maps the file and checks its header, table and the entry table's crc (not
  // the blocks' crc).  kNotFound when the file is missing or of another format
  // version: the caller decodes the works instead.
  static Result<std::unique_ptr<FactsFile>> Open(const std::string& path, uint64_t generation);
  ~FactsFile();
  FactsFile(const FactsFile&) = delete;
  FactsFile& operator=(const FactsFile&) = delete;

  const std::string& path() const { return path_; }
  // The entry part of a segment's block (dict_count, globals, rows,
  // set_count): what finds its entries in S.  An error when the file holds
  // no block for it, or the part is damaged; with verify, its crc32 is
  // checked.
  Status Find(int64_t segment_id, uint32_t rows, bool verify, Block* out) const;
  // Then, after Find, its posting offsets and row part (Set, codes,
  // set_offsets, countries), for a segment that holds some.
  Status ReadRows(int64_t segment_id, bool verify, Block* out) const;
  size_t blocks() const { return entries_.size(); }
  uint64_t file_bytes() const { return map_.view().size(); }
  // Every block's crc32 and structure.
  Status VerifyAll() const;

  // The generation's distinct dictionary entries.
  uint32_t entry_count() const { return entry_count_; }
  // Entry `index` (< entry_count()), parsed (its name valid while the file
  // is open); false when it does not decode.  Decompresses its block of
  // entries on first use.
  bool Entry(uint32_t index, DictRef* out) const;
  // Appends the entries that have `key` (an OpenAlex id, or ROR |
  // kRorKeyBit); an error when a key block it reads is damaged.
  Status EntriesWithKey(uint64_t key, std::vector<uint32_t>* out) const;

 private:
  FactsFile() = default;
  Status Corrupt(const std::string& what) const;
  struct BlockEntry {
    uint32_t rows, sets, countries, dict, crc, crc_entries;
    uint64_t offset;
    uint32_t rows_bytes, entries_bytes;
  };
  // An entry block, decompressed on first use.
  struct EntryBlock {
    std::once_flag once;
    bool ok = false;
    std::unique_ptr<char[]> bytes;
    std::vector<uint32_t> offsets;  // per entry + 1, into bytes
  };
  Status CheckEntries(const BlockEntry& e, bool verify, Block* out) const;
  Status CheckRows(const BlockEntry& e, bool verify, Block* out) const;
  // Appends key block `b`'s pairs to *out; an error when it is malformed.
  Status KeyBlock(uint64_t b, std::vector<std::pair<uint64_t, uint32_t>>* out) const;
  void LoadEntryBlock(uint64_t b, EntryBlock* block) const;
  const char* base() const { return map_.view().data(); }

  std::string path_;
  MappedFile map_;
  std::unordered_map<int64_t, BlockEntry> entries_;
  uint32_t entry_count_ = 0, key_count_ = 0;
  int entry_bits_ = 0;
  uint64_t key_blocks_ = 0, entry_blocks_ = 0;
  const char* first_keys_ = nullptr;     // u64 per key block
  const char* key_offsets_ = nullptr;    // u64 per key block + 1, into key_bytes_
  const char* frame_offsets_ = nullptr;  // u64 per entry block + 1, into frames_
  const char* key_bytes_ = nullptr;
  const char* frames_ = nullptr;
  std::unique_ptr<EntryBlock[]> entry_cache_;
};

}  // namespace coopscope::store
