// The facts file of a generation (docs/store-format.md, "Facts file"): per
// segment and row, the per-work facts that do not depend on the scope S —
// flags, collaboration type and country class packed in a code, and K(w) as
// an index into the segment's table of country sets.  Written by the settle
// step (they depend on the registry and the country rules, which an update
// may replace), read by queries through a memory mapping.
//
// FactsFile is immutable once opened and safe for concurrent readers; every
// block is bounds-checked, and its crc32 checked when asked, so a damaged file
// is an error naming it, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "indicators/work_facts.h"
#include "io/mapped_file.h"
#include "io/status.h"
#include "store/segment.h"

namespace coopscope::store {

inline constexpr char kFactsMagic[8] = {'C', 'O', 'O', 'P', 'F', 'C', 'T', '\n'};
inline constexpr uint32_t kFactsFormatVersion = 1;

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
  // (superseded, merged away) keep code 0 and the empty set.
  void Set(uint32_t row, const WorkFacts& facts, const CountryCode* countries, size_t n_countries);
  // Per dictionary entry of the segment: its number in the generation's
  // entry table, and where its posting list starts (dict size + 1 values).
  void SetEntries(std::vector<uint32_t> globals, std::vector<uint32_t> posting_offsets);
  uint64_t bytes() const;  // of the block, unpadded
  // Frees what only Set needs, once every row is set.
  void Seal() { index_ = {}; }
  // Appends the block (8-byte aligned) to *out and its entry to *table.
  void AppendTo(std::string* out, std::string* table) const;

 private:
  int64_t segment_id_;
  std::vector<uint32_t> globals_, posting_offsets_{0};
  std::vector<uint16_t> codes_;
  std::vector<uint32_t> sets_;
  std::vector<uint32_t> set_offsets_{0};
  std::vector<CountryCode> countries_;
  std::unordered_map<std::string, uint32_t> index_;
  std::string key_;
};

// The generation's table of distinct dictionary entries (segments each keep
// their own dictionary; a query describes each institution once) and its key
// index: every id and ROR through which an entry can be in a scope.
class FactsEntriesBuilder {
 public:
  // The number of the entry whose stored form (AppendEntryKey) is `key`,
  // added when new: then *fresh is set, and its scope keys must be added.
  uint32_t Intern(const std::string& key, bool* fresh);
  // A key of entry `entry`: an OpenAlex id, or a ROR id | kRorKeyBit.
  void AddKey(uint64_t key, uint32_t entry) { keys_.emplace_back(key, entry); }
  void AppendTo(std::string* out);  // sorts the keys
  uint64_t bytes() const;           // what AppendTo appends (after sorting; an upper bound before)
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  uint32_t key_count() const { return static_cast<uint32_t>(keys_.size()); }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::string bytes_;
  std::vector<uint32_t> offsets_{0};
  std::vector<std::pair<uint64_t, uint32_t>> keys_;
};

// The whole file: header, table, blocks, entry table.
std::string EncodeFactsFile(uint64_t generation, const std::vector<FactsBlockBuilder>& blocks,
                            FactsEntriesBuilder* entries);

class FactsFile {
 public:
  struct Block {
    const uint16_t* codes = nullptr;        // per row
    const uint32_t* sets = nullptr;         // per row, < set_count
    const uint32_t* set_offsets = nullptr;  // per set + 1, into countries, non-decreasing
    const CountryCode* countries = nullptr;
    const uint32_t* globals = nullptr;          // per dictionary entry: < entry_count()
    const uint32_t* posting_offsets = nullptr;  // per dictionary entry + 1, non-decreasing
    uint32_t rows = 0, set_count = 0, dict_count = 0;
  };
  // Maps the file and checks its header and table (not the blocks' crc).
  static Result<std::unique_ptr<FactsFile>> Open(const std::string& path, uint64_t generation);
  ~FactsFile();
  FactsFile(const FactsFile&) = delete;
  FactsFile& operator=(const FactsFile&) = delete;

  const std::string& path() const { return path_; }
  // The entry part of a segment's block (dict_count, globals,
  // posting_offsets, rows, set_count): what finds its entries in S.  An
  // error when the file holds no block for it, or the part is damaged; with
  // verify, its crc32 is checked.
  Status Find(int64_t segment_id, uint32_t rows, bool verify, Block* out) const;
  // Then its row part (codes, sets, set_offsets, countries), for a segment
  // that holds some.
  Status ReadRows(int64_t segment_id, bool verify, Block* out) const;
  size_t blocks() const { return entries_.size(); }
  uint64_t file_bytes() const { return map_.view().size(); }
  // Every block's crc32 and structure.
  Status VerifyAll() const;

  // The generation's distinct dictionary entries (checked when opened).
  uint32_t entry_count() const { return entry_count_; }
  // Entry `index` (< entry_count()), parsed; false when it does not decode.
  bool Entry(uint32_t index, DictRef* out) const;
  // Appends the entries that have `key` (an OpenAlex id, or ROR | kRorKeyBit).
  void EntriesWithKey(uint64_t key, std::vector<uint32_t>* out) const;

 private:
  FactsFile() = default;
  Status Corrupt(const std::string& what) const;
  struct BlockEntry {
    uint32_t rows, sets, countries, dict, crc, crc_entries;
    uint64_t offset, bytes;
  };
  static uint64_t RowsBytes(const BlockEntry& e);
  Status CheckEntries(const BlockEntry& e, bool verify, Block* out) const;
  Status CheckRows(const BlockEntry& e, bool verify, Block* out) const;
  const char* base() const { return map_.view().data(); }

  std::string path_;
  MappedFile map_;
  std::unordered_map<int64_t, BlockEntry> entries_;
  uint32_t entry_count_ = 0, key_count_ = 0;
  const uint32_t* entry_offsets_ = nullptr;  // entry_count_ + 1, into entry_bytes_
  const char* entry_bytes_ = nullptr;
  const uint64_t* keys_ = nullptr;           // sorted
  const uint32_t* key_entries_ = nullptr;
};

}  // namespace coopscope::store
