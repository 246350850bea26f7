// Splits a ByteStream into lines, with 1-based line numbers and byte offsets.
//
// Each returned line stays valid until the next call and is followed in
// memory by at least kLinePadding readable bytes, so simdjson can parse it in
// place.  A line longer than Limits::max_record_bytes is skipped, not
// buffered, and reported with too_long set.  Owned by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "io/byte_stream.h"
#include "io/limits.h"

namespace coopscope {

inline constexpr size_t kLinePadding = 64;  // >= SIMDJSON_PADDING

struct Line {
  std::string_view text;  // without the line break (and without a final '\r')
  uint64_t number = 0;    // 1-based, counted from the reader's first line
  uint64_t offset = 0;    // byte offset of the first byte in the (decompressed) file
  uint64_t length = 0;    // true length, also when too_long
  bool too_long = false;
};

class LineReader {
 public:
  // Reads lines from stream, whose first byte is at file offset first_offset.
  // When skip_partial_first is set, bytes up to and including the first line
  // break are skipped (the range starts inside a line owned by the previous
  // range).  Lines starting at or after stop_offset are not returned.
  LineReader(std::unique_ptr<ByteStream> stream, const Limits& limits, uint64_t first_offset = 0,
             bool skip_partial_first = false, uint64_t stop_offset = UINT64_MAX);

  // Next line: true with a line, false at the end, or an error from the
  // stream (a truncated or damaged compressed file); after an error the reader
  // is finished.
  Result<bool> Next(Line* line);

  // Offset just after the last byte consumed, and lines counted so far
  // (including blank ones).
  uint64_t offset() const { return offset_of_begin_; }
  uint64_t lines_seen() const { return line_number_; }
  const ByteStream& stream() const { return *stream_; }
  // The crc32 of the whole file, when the stream saw all of it (ByteStream::FileCrc).
  bool FileCrc(uint32_t* crc) { return stream_->FileCrc(crc); }

 private:
  Result<bool> Fill();  // reads more; false at end of stream

  std::unique_ptr<ByteStream> stream_;
  size_t max_line_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0, scan_ = 0;
  uint64_t offset_of_begin_;  // file offset of buf_[begin_]
  uint64_t stop_offset_;
  uint64_t line_number_ = 0;
  bool skip_partial_first_;
  bool eof_ = false;
  bool failed_ = false;
};

}  // namespace coopscope
