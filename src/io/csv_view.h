// A reader of delimited text held in memory (a whole file read at once), for
// bulk imports and whole exports (HR records, Scopus CSV) where io/csv.h's
// stream reader is too slow: the same RFC 4180
// rules (quoted fields with delimiters, newlines and doubled quotes; UTF-8
// byte-order mark skipped; CRLF or LF), plus each record's byte offset.  The
// fields are copied into reused strings, so a caller keeps its vector across
// records without allocating.  Not thread-safe; the text must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/status.h"

namespace coopscope {

class CsvView {
 public:
  CsvView(std::string_view text, char delimiter);
  // A part of a larger text that starts at a record boundary: line numbers
  // start at `first_line`, offsets at `base_offset` (no byte-order mark).
  CsvView(std::string_view text, char delimiter, uint64_t first_line, uint64_t base_offset)
      : text_(text), delimiter_(delimiter), next_line_(first_line), base_(base_offset) {}

  // Reads the next record into `fields` (resized to the record's field count);
  // false at the end of the text, or on a quote left open (then *status is a
  // kParse error naming the record's line).
  bool Next(std::vector<std::string>* fields, size_t* count, Status* status);
  uint64_t line() const { return line_; }      // 1-based line the last record started on
  uint64_t offset() const { return base_ + offset_; }  // byte offset of its first byte
  // The raw text of the last record read (for rejects that quote it).
  std::string_view record() const { return text_.substr(offset_, pos_ - offset_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  char delimiter_;
  uint64_t line_ = 0, next_line_ = 1, offset_ = 0, base_ = 0;
};

}  // namespace coopscope
