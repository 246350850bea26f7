#include "io/csv.h"

#include <fmt/format.h>

#include <cstring>

namespace coopscope {

bool CsvReader::Next(std::vector<std::string>* fields, Status* status) {
  fields->clear();
  if (!started_) {
    started_ = true;
    static constexpr char kBom[] = "\xEF\xBB\xBF";
    char head[3];
    in_.read(head, 3);
    std::streamsize got = in_.gcount();
    if (!(got == 3 && std::equal(head, head + 3, kBom))) {
      in_.clear();
      for (std::streamsize k = got; k > 0; --k) in_.putback(head[k - 1]);
    }
  }
  int c = in_.get();
  if (c == EOF) return false;
  line_ = next_line_;
  std::string field;
  bool quoted = false, was_quoted = false;
  for (;; c = in_.get()) {
    if (c == EOF) {
      if (quoted) {
        *status = Status(ErrorCode::kParse, fmt::format("line {}: a quoted field is not closed", line_));
        return false;
      }
      break;
    }
    char ch = static_cast<char>(c);
    if (quoted) {
      if (ch == '"') {
        if (in_.peek() == '"') {
          field.push_back('"');
          in_.get();
        } else {
          quoted = false;
        }
      } else {
        if (ch == '\n') ++next_line_;
        field.push_back(ch);
      }
      continue;
    }
    if (ch == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (ch == delimiter_) {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (ch == '\n') {
      ++next_line_;
      break;
    } else if (ch == '\r' && in_.peek() == '\n') {
      continue;
    } else {
      field.push_back(ch);
    }
  }
  fields->push_back(std::move(field));
  return true;
}

bool CsvViewReader::Next(std::vector<std::string_view>* fields, Status* status) {
  fields->clear();
  if (pos_ == 0 && text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  if (pos_ >= text_.size()) return false;
  offset_ = pos_;
  line_ = next_line_;
  size_t used = 0;  // unescaped_ buffers used by this record
  const char* d = text_.data();
  const size_t n = text_.size();
  size_t i = pos_;
  for (;;) {
    if (i < n && d[i] == '"') {
      // Quoted field: up to the closing quote not followed by another quote.
      size_t start = ++i;
      bool doubled = false;
      for (;;) {
        const void* q = std::memchr(d + i, '"', n - i);
        if (q == nullptr) {
          *status = Status(ErrorCode::kParse, fmt::format("line {}: a quoted field is not closed", line_));
          pos_ = n;
          return false;
        }
        size_t qi = static_cast<size_t>(static_cast<const char*>(q) - d);
        if (qi + 1 < n && d[qi + 1] == '"') {
          doubled = true;
          i = qi + 2;
          continue;
        }
        i = qi + 1;
        std::string_view raw = text_.substr(start, qi - start);
        for (char c : raw) next_line_ += c == '\n';
        if (!doubled) {
          fields->push_back(raw);
        } else {
          if (used == unescaped_.size()) unescaped_.emplace_back();
          std::string& u = unescaped_[used++];
          u.clear();
          for (size_t k = 0; k < raw.size(); ++k) {
            u.push_back(raw[k]);
            if (raw[k] == '"') ++k;
          }
          fields->push_back(u);
        }
        break;
      }
      // After the closing quote: a delimiter, a line end or the end.
      while (i < n && d[i] != delimiter_ && d[i] != '\n') ++i;
    } else {
      size_t start = i;
      while (i < n && d[i] != delimiter_ && d[i] != '\n') ++i;
      size_t end = i;
      if (end > start && d[end - 1] == '\r' && (i == n || d[i] == '\n')) --end;
      fields->push_back(text_.substr(start, end - start));
    }
    if (i >= n) {
      pos_ = n;
      return true;
    }
    if (d[i] == '\n') {
      ++next_line_;
      pos_ = i + 1;
      return true;
    }
    ++i;  // delimiter
  }
}

std::string CsvQuote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int ColumnIndex(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace coopscope
