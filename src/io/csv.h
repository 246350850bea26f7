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

// A CSV cell, quoted when it holds a comma, quote or line break.
std::string CsvQuote(std::string_view s);

// A TSV cell: tabs and line breaks (which a TSV cell cannot hold) become spaces.
std::string TsvCell(std::string_view s);

// The index of `name` in a header record; -1 when absent.
int ColumnIndex(const std::vector<std::string>& header, const std::string& name);

}  // namespace coopscope
