#include "io/csv_view.h"

#include <cstring>

#include <fmt/format.h>

namespace coopscope {

CsvView::CsvView(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvView::Next(std::vector<std::string>* fields, size_t* count, Status* status) {
  *count = 0;
  const size_t n = text_.size();
  if (pos_ >= n) return false;
  offset_ = pos_;
  line_ = next_line_;
  const char* data = text_.data();
  auto field = [&]() -> std::string& {
    if (*count == fields->size()) fields->emplace_back();
    std::string& f = (*fields)[(*count)++];
    f.clear();
    return f;
  };
  for (;;) {
    std::string& f = field();
    if (pos_ < n && data[pos_] == '"') {
      ++pos_;
      for (;;) {
        const char* q = static_cast<const char*>(std::memchr(data + pos_, '"', n - pos_));
        if (!q) {
          *status = Status(ErrorCode::kParse, fmt::format("line {}: a quoted field is not closed", line_));
          pos_ = n;
          return false;
        }
        size_t end = static_cast<size_t>(q - data);
        for (size_t k = pos_; k < end; ++k) next_line_ += data[k] == '\n';
        f.append(data + pos_, end - pos_);
        pos_ = end + 1;
        if (pos_ < n && data[pos_] == '"') {
          f.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      // Text after the closing quote up to the delimiter is kept as is.
    }
    size_t start = pos_;
    while (pos_ < n && data[pos_] != delimiter_ && data[pos_] != '\n') ++pos_;
    size_t end = pos_;
    if (pos_ >= n || data[pos_] == '\n') {
      if (end > start && data[end - 1] == '\r') --end;
      f.append(data + start, end - start);
      if (pos_ < n) {
        ++pos_;
        ++next_line_;
      }
      return true;
    }
    f.append(data + start, end - start);
    ++pos_;  // the delimiter
  }
}

}  // namespace coopscope
