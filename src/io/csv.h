// A reader of delimited text (CSV, TSV, ';'-separated) after RFC 4180:
// fields in double quotes may hold the delimiter, newlines and doubled
// quotes; a UTF-8 byte-order mark at the start is skipped; CRLF and LF both
// end records.  One reader per stream; not thread-safe.
#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "io/status.h"

namespace coopscope {

class CsvReader {
 public:
  CsvReader(std::istream& in, char delimiter) : in_(in), delimiter_(delimiter) {}

  // Reads the next record into `fields`; false at the end of the stream.  A
  // quote left open at the end of the stream is an error (kParse) naming the
  // record's first line.
  bool Next(std::vector<std::string>* fields, Status* status);
  uint64_t line() const { return line_; }  // the line the last record started on (1-based)

 private:
  std::istream& in_;
  char delimiter_;
  uint64_t line_ = 0, next_line_ = 1;
  bool started_ = false;
};

// The same rules over text held in memory, without copying: fields are views
// into the text, except those with doubled quotes, which are unescaped into
// the reader's own buffers (valid until the next call).  For exports read
// whole (Scopus CSV), where an istream costs more than the parsing.
class CsvViewReader {
 public:
  CsvViewReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}
  // Next record; false at the end.  An unclosed quote sets *status (kParse)
  // and ends the reading.
  bool Next(std::vector<std::string_view>* fields, Status* status);
  uint64_t line() const { return line_; }      // first line of the last record (1-based)
  size_t offset() const { return offset_; }    // its first byte in the text
  std::string_view record() const { return text_.substr(offset_, pos_ - offset_); }

 private:
  std::string_view text_;
  char delimiter_;
  size_t pos_ = 0, offset_ = 0;
  uint64_t line_ = 0, next_line_ = 1;
  std::vector<std::string> unescaped_;
};
// A CSV cell, quoted when it holds a comma, quote or line break.
std::string CsvQuote(std::string_view s);

// The index of `name` in a header record; -1 when absent.
int ColumnIndex(const std::vector<std::string>& header, const std::string& name);

}  // namespace coopscope
