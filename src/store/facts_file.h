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
#include "io/status.h"

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
  // Appends the block (8-byte aligned) to *out; returns its table entry.
  void AppendTo(std::string* out, std::string* table) const;

 private:
  int64_t segment_id_;
  std::vector<uint16_t> codes_;
  std::vector<uint32_t> sets_;
  std::vector<uint32_t> set_offsets_{0};
  std::vector<CountryCode> countries_;
  std::unordered_map<std::string, uint32_t> index_;
  std::string key_;
};

// The whole file: header, table, blocks.
std::string EncodeFactsFile(uint64_t generation, const std::vector<FactsBlockBuilder>& blocks);

class FactsFile {
 public:
  struct Block {
    const uint16_t* codes = nullptr;        // per row
    const uint32_t* sets = nullptr;         // per row, < set_count
    const uint32_t* set_offsets = nullptr;  // per set + 1, into countries, non-decreasing
    const CountryCode* countries = nullptr;
    uint32_t rows = 0, set_count = 0;
  };
  // Maps the file and checks its header and table (not the blocks' crc).
  static Result<std::unique_ptr<FactsFile>> Open(const std::string& path, uint64_t generation);
  ~FactsFile();
  FactsFile(const FactsFile&) = delete;
  FactsFile& operator=(const FactsFile&) = delete;

  const std::string& path() const { return path_; }
  // The block of a segment; with verify, its crc32 is checked.  An error when
  // the file holds no block for it, or the block is damaged.
  Status Find(int64_t segment_id, uint32_t rows, bool verify, Block* out) const;
  size_t blocks() const { return entries_.size(); }
  uint64_t file_bytes() const { return size_; }
  // Every block's crc32 and structure.
  Status VerifyAll() const;

 private:
  FactsFile() = default;
  Status Corrupt(const std::string& what) const;
  struct Entry {
    uint32_t rows, sets, countries, crc;
    uint64_t offset, bytes;
  };
  Status Check(const Entry& e, bool verify, Block* out) const;

  std::string path_;
  const char* base_ = nullptr;
  uint64_t size_ = 0;
  std::unordered_map<int64_t, Entry> entries_;
};

}  // namespace coopscope::store
