#include "io/csv.h"

#include <fmt/format.h>

#include <algorithm>
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

std::string CsvQuote(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string TsvCell(std::string_view s) {
  std::string out(s);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return out;
}

int ColumnIndex(const std::vector<std::string>& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace coopscope
