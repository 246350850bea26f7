#include "io/line_reader.h"

#include <cstring>

namespace coopscope {

LineReader::LineReader(std::unique_ptr<ByteStream> stream, const Limits& limits, uint64_t first_offset,
                       bool skip_partial_first, uint64_t stop_offset)
    : stream_(std::move(stream)),
      max_line_(limits.max_record_bytes),
      buf_(limits.read_buffer_bytes + kLinePadding),
      offset_of_begin_(first_offset),
      stop_offset_(stop_offset),
      skip_partial_first_(skip_partial_first) {}

Result<bool> LineReader::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {  // compact: keep the unfinished line at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  size_t capacity = buf_.size() - kLinePadding;
  if (end_ == capacity) {  // one line fills the buffer: grow, up to the limit
    size_t grown = std::min(capacity * 2, max_line_ + 2);
    if (grown <= capacity) grown = capacity + (1u << 20);
    buf_.resize(grown + kLinePadding);
    capacity = grown;
  }
  auto got = stream_->Read(buf_.data() + end_, capacity - end_);
  if (!got.ok()) {
    failed_ = true;
    return got.status();
  }
  if (got.value() == 0) {
    eof_ = true;
    return false;
  }
  end_ += got.value();
  std::memset(buf_.data() + end_, 0, kLinePadding);
  return true;
}

Result<bool> LineReader::Next(Line* line) {
  if (failed_) return false;
  for (;;) {
    if (offset_of_begin_ >= stop_offset_ && !skip_partial_first_) return false;
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + scan_, '\n', end_ - scan_));
    if (nl == nullptr && end_ - begin_ > max_line_) {
      // Over-long line: drop it while reading on to its end.
      uint64_t start = offset_of_begin_;
      uint64_t length = end_ - begin_;
      for (;;) {
        offset_of_begin_ += end_ - begin_;
        begin_ = scan_ = end_ = 0;
        auto more = Fill();
        if (!more.ok()) return more.status();
        if (!more.value()) break;
        const char* p = static_cast<const char*>(std::memchr(buf_.data(), '\n', end_));
        if (p != nullptr) {
          size_t n = static_cast<size_t>(p - buf_.data());
          length += n;
          begin_ = scan_ = n + 1;
          offset_of_begin_ += n + 1;
          break;
        }
        length += end_;
      }
      bool skipped = skip_partial_first_;
      skip_partial_first_ = false;
      if (skipped) continue;
      ++line_number_;
      *line = Line{std::string_view(), line_number_, start, length, true};
      return true;
    }
    if (nl == nullptr) {
      scan_ = end_;
      auto more = Fill();
      if (!more.ok()) return more.status();
      if (more.value()) continue;
      if (begin_ == end_) return false;
      nl = buf_.data() + end_;  // last line without a line break
    }
    size_t len = static_cast<size_t>(nl - (buf_.data() + begin_));
    uint64_t start = offset_of_begin_;
    const char* text = buf_.data() + begin_;
    size_t consumed = len + (nl < buf_.data() + end_ ? 1 : 0);
    begin_ += consumed;
    scan_ = begin_;
    offset_of_begin_ += consumed;
    if (skip_partial_first_) {
      skip_partial_first_ = false;
      continue;
    }
    ++line_number_;
    if (len > 0 && text[len - 1] == '\r') --len;
    *line = Line{std::string_view(text, len), line_number_, start, len, false};
    return true;
  }
}

}  // namespace coopscope
