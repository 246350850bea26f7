#include "io/json_records.h"

#include <fmt/format.h>

#include <algorithm>

namespace coopscope {
namespace {

using simdjson::ondemand::object;

// The first key of a JSON object, read from its raw text ("" if none).
std::string_view FirstKey(std::string_view text) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) ++i;
  };
  skip_ws();
  if (i >= text.size() || text[i] != '{') return {};
  ++i;
  skip_ws();
  if (i >= text.size() || text[i] != '"') return {};
  size_t start = ++i;
  while (i < text.size() && text[i] != '"') ++i;
  return text.substr(start, i - start);
}

bool IsPageKey(std::string_view key) {
  return key == "meta" || key == "results" || key == "group_by";
}

std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out(text.substr(0, kMax));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x80) c = '?';
  return out;
}

}  // namespace

ErrorCode JsonErrorCode(simdjson::error_code error) {
  return error == simdjson::UTF8_ERROR ? ErrorCode::kInvalidUtf8 : ErrorCode::kParse;
}

void JsonRecordReader::AddReject(const std::string& path, uint64_t line, uint64_t offset, ErrorCode code,
                                 std::string reason, ReadCounts* counts) {
  ++counts->records;
  ++counts->rejected;
  rejects_->push_back(Reject{path, line, offset, code, std::move(reason)});
}

void JsonRecordReader::Accept(const RecordPos& pos, ReadCounts* counts) {
  ++counts->records;
  if (on_accept_) on_accept_(pos);
}

void JsonRecordReader::Deliver(const std::string& path, object& obj, const RecordPos& pos, const RecordFn& fn,
                               ReadCounts* counts) {
  Status st = fn(obj, pos);
  if (st.ok())
    Accept(pos, counts);
  else
    AddReject(path, pos.line, pos.offset, st.code(), st.message(), counts);
}

void JsonRecordReader::ProcessLine(const std::string& path, const Line& line, const RecordFn& fn, ReadCounts* counts) {
  if (line.too_long) {
    AddReject(path, line.number, line.offset, ErrorCode::kTooLong,
              fmt::format("record of {} bytes is over the limit of {} bytes (--max-record-bytes)", line.length,
                          limits_.max_record_bytes),
              counts);
    return;
  }
  std::string_view text = line.text;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; })) return;
  simdjson::ondemand::document doc;
  auto error =
      parser_.iterate(simdjson::padded_string_view(text.data(), text.size(), text.size() + kLinePadding)).get(doc);
  object obj;
  if (!error) error = doc.get_object().get(obj);
  if (error) {
    AddReject(path, line.number, line.offset, JsonErrorCode(error),
              fmt::format("not a JSON object: {} (starts with \"{}\")", simdjson::error_message(error), Excerpt(text)),
              counts);
    return;
  }
  RecordPos pos{line.number, line.offset};
  if (IsPageKey(FirstKey(text))) {
    // An API list page on one line: each element of "results" is a record.
    simdjson::ondemand::array results;
    error = obj.find_field_unordered("results").get_array().get(results);
    if (error) {
      AddReject(path, line.number, line.offset, JsonErrorCode(error),
                fmt::format("API page without a \"results\" array: {}", simdjson::error_message(error)), counts);
      return;
    }
    for (auto element : results) {
      const char* where = nullptr;
      uint64_t offset = line.offset;
      if (!element.current_location().get(where)) offset += static_cast<uint64_t>(where - text.data());
      object item;
      error = element.get_object().get(item);
      if (error) {
        AddReject(path, line.number, offset, JsonErrorCode(error),
                  fmt::format("element of \"results\" is not an object: {}", simdjson::error_message(error)), counts);
        if (error != simdjson::INCORRECT_TYPE) return;  // the page itself is broken
        continue;
      }
      Deliver(path, item, RecordPos{line.number, offset}, fn, counts);
    }
    return;
  }
  Status st = fn(obj, pos);
  const char* after = nullptr;
  if (st.ok() && !doc.current_location().get(after) && after < text.data() + text.size()) {
    // The callback read the whole object, yet tokens follow: two objects on one line.
    st = Status(ErrorCode::kParse, "trailing content after the JSON object");
  }
  if (!st.ok()) {
    AddReject(path, line.number, line.offset, st.code(), st.message(), counts);
    return;
  }
  Accept(pos, counts);
}

void JsonRecordReader::Publish(const LineReader& reader, const ReadCounts& counts, bool force) {
  constexpr uint64_t kEvery = 512;
  if (!force && ++since_publish_ < kEvery) return;
  since_publish_ = 0;
  if (progress_bytes_ != nullptr) {
    uint64_t now = reader.stream().file_bytes_consumed();
    if (now > published_bytes_) progress_bytes_->fetch_add(now - published_bytes_, std::memory_order_relaxed);
    published_bytes_ = std::max(published_bytes_, now);
  }
  if (progress_records_ != nullptr && counts.records > published_records_) {
    progress_records_->fetch_add(counts.records - published_records_, std::memory_order_relaxed);
    published_records_ = counts.records;
  }
}

Status JsonRecordReader::ReadLines(const std::string& path, LineReader& reader, const RecordFn& fn,
                                   ReadCounts* counts) {
  Line line;
  for (;;) {
    auto next = reader.Next(&line);
    if (!next.ok()) {
      // A truncated or damaged stream: what was read is kept; the rest is one reject.
      AddReject(path, reader.lines_seen() + 1, reader.offset(), next.status().code(), next.status().message(), counts);
      break;
    }
    if (!next.value()) break;
    ProcessLine(path, line, fn, counts);
    Publish(reader, *counts, false);
  }
  Publish(reader, *counts, true);
  counts->lines += reader.lines_seen();
  counts->bytes += reader.offset();
  return Status::Ok();
}

void JsonRecordReader::ProcessDocument(const std::string& path, std::string& text, const RecordFn& fn,
                                       ReadCounts* counts) {
  // ReadWholeFile leaves room for the padding: no copy.
  std::string& buffer = text;
  if (buffer.capacity() < buffer.size() + simdjson::SIMDJSON_PADDING)
    buffer.reserve(buffer.size() + simdjson::SIMDJSON_PADDING);
  simdjson::padded_string_view padded(buffer.data(), buffer.size(), buffer.capacity());
  simdjson::ondemand::document doc;
  auto error = parser_.iterate(padded).get(doc);
  const char* base = buffer.data();
  uint64_t line_no = 1;
  const char* counted_to = base;
  auto position = [&](const char* where) {
    line_no += static_cast<uint64_t>(std::count(counted_to, where, '\n'));
    counted_to = where;
    return RecordPos{line_no, static_cast<uint64_t>(where - base)};
  };
  simdjson::ondemand::json_type type;
  if (!error) error = doc.type().get(type);
  if (error) {
    AddReject(path, 1, 0, JsonErrorCode(error), fmt::format("not JSON: {}", simdjson::error_message(error)), counts);
    return;
  }
  auto visit_array = [&](simdjson::ondemand::array array) {
    for (auto element : array) {
      const char* where = base;
      if (element.current_location().get(where)) where = base;
      RecordPos pos = position(where);
      object item;
      auto err = element.get_object().get(item);
      if (err) {
        AddReject(path, pos.line, pos.offset, JsonErrorCode(err),
                  fmt::format("array element is not a JSON object: {}", simdjson::error_message(err)), counts);
        if (err != simdjson::INCORRECT_TYPE) return;
        continue;
      }
      Deliver(path, item, pos, fn, counts);
    }
  };
  if (type == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array array;
    if (!doc.get_array().get(array)) visit_array(array);
    return;
  }
  object obj;
  if ((error = doc.get_object().get(obj))) {
    AddReject(path, 1, 0, JsonErrorCode(error), "the file is neither a JSON object nor an array", counts);
    return;
  }
  if (IsPageKey(FirstKey(text))) {
    simdjson::ondemand::array results;
    if ((error = obj.find_field_unordered("results").get_array().get(results))) {
      AddReject(path, 1, 0, JsonErrorCode(error), "API page without a \"results\" array", counts);
      return;
    }
    visit_array(results);
    return;
  }
  Deliver(path, obj, RecordPos{1, 0}, fn, counts);
}

Status JsonRecordReader::ReadFile(const std::string& path, const RecordFn& fn, ReadCounts* counts) {
  file_crc_known_ = false;
  auto kind = DetectCompression(path);
  if (!kind.ok()) return kind.status();
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  // Peek at the start: JSON Lines unless the file opens an array, or an object
  // whose first line does not close it (pretty-printed JSON).
  constexpr size_t kPeek = 64 * 1024;
  std::string peek(kPeek, '\0');
  size_t peeked = 0;
  while (peeked < kPeek) {
    auto got = stream.value()->Read(peek.data() + peeked, kPeek - peeked);
    if (!got.ok() || got.value() == 0) break;
    peeked += got.value();
  }
  peek.resize(peeked);
  bool whole = false;
  size_t first = peek.find_first_not_of(" \t\r\n");
  if (first != std::string::npos) {
    size_t nl = peek.find('\n', first);
    std::string_view line =
        std::string_view(peek).substr(first, nl == std::string::npos ? std::string::npos : nl - first);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (peek[first] == '[') return ReadArray(path, fn, counts);  // element by element, whatever its size
    whole = nl != std::string::npos && !line.empty() && line.back() != '}';
  }
  if (!whole) {
    auto again = OpenByteStream(path);
    if (!again.ok()) return again.status();
    LineReader reader(std::move(again.value()), limits_);
    published_bytes_ = 0;
    published_records_ = counts->records;
    Status st = ReadLines(path, reader, fn, counts);
    file_crc_known_ = st.ok() && reader.FileCrc(&file_crc_);
    return st;
  }
  return ReadDocument(path, fn, counts);
}

void JsonRecordReader::ProcessElement(const std::string& path, std::string& text, const RecordPos& pos,
                                      const RecordFn& fn, ReadCounts* counts) {
  if (text.capacity() < text.size() + simdjson::SIMDJSON_PADDING) text.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  object obj;
  auto error = parser_.iterate(simdjson::padded_string_view(text.data(), text.size(), text.capacity())).get(doc);
  if (!error) error = doc.get_object().get(obj);
  if (error) {
    AddReject(path, pos.line, pos.offset, JsonErrorCode(error),
              fmt::format("array element is not a JSON object: {}", simdjson::error_message(error)), counts);
    return;
  }
  Deliver(path, obj, pos, fn, counts);
}

Status JsonRecordReader::ReadArray(const std::string& path, const RecordFn& fn, ReadCounts* counts) {
  // A JSON array read as a stream: a small scanner finds where each top-level
  // element ends (tracking strings, escapes and depth) and each element is
  // parsed alone, so memory stays at one element whatever the file's size.
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  std::vector<char> chunk(limits_.read_buffer_bytes);
  std::string element;
  enum class State { kBefore, kBetween, kInside, kScalar, kDone } state = State::kBefore;
  int depth = 0;
  bool in_string = false, escape = false, too_long = false;
  uint64_t offset = 0, line = 1, element_length = 0;
  RecordPos pos;
  for (;;) {
    auto got = stream.value()->Read(chunk.data(), chunk.size());
    if (!got.ok()) {
      AddReject(path, line, offset, got.status().code(), got.status().message(), counts);
      return Status::Ok();
    }
    if (got.value() == 0) break;
    // The bytes of the element being read are appended in runs: from run
    // (its start in this chunk) to its end or to the chunk's end.
    size_t run = 0;
    for (size_t i = 0; i < got.value(); ++i, ++offset) {
      const char c = chunk[i];
      if (state == State::kInside) {
        ++element_length;
        if (in_string) {
          if (escape) escape = false;
          else if (c == '\\') escape = true;
          else if (c == '"') in_string = false;
        } else if (c == '"') {
          in_string = true;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
          if (too_long) {
            AddReject(path, pos.line, pos.offset, ErrorCode::kTooLong,
                      fmt::format("record of {} bytes is over the limit of {} bytes", element_length,
                                  limits_.max_record_bytes),
                      counts);
          } else {
            element.append(chunk.data() + run, i + 1 - run);
            ProcessElement(path, element, pos, fn, counts);
          }
          state = State::kBetween;
        }
        if (!too_long && element_length > limits_.max_record_bytes) {
          too_long = true;
          std::string().swap(element);
        }
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        if (state == State::kScalar) state = State::kBetween;
      } else if (state == State::kBefore) {
        if (c != '[') {
          AddReject(path, line, offset, ErrorCode::kParse, "not a JSON array", counts);
          return Status::Ok();
        }
        state = State::kBetween;
      } else if (state == State::kBetween || state == State::kScalar) {
        if (c == ',') {
          state = State::kBetween;
        } else if (c == ']') {
          state = State::kDone;
        } else if (c == '{' || c == '[') {
          state = State::kInside;
          depth = 1;
          in_string = escape = too_long = false;
          element.clear();
          run = i;
          element_length = 1;
          pos = RecordPos{line, offset};
        } else if (state == State::kBetween) {
          AddReject(path, line, offset, ErrorCode::kParse, "array element is not a JSON object", counts);
          state = State::kScalar;
        }
      }
      if (c == '\n') ++line;
    }
    if (state == State::kInside && !too_long) element.append(chunk.data() + run, got.value() - run);
    if (state == State::kDone) break;
  }
  counts->bytes += offset;
  if (state == State::kInside)
    AddReject(path, pos.line, pos.offset, ErrorCode::kParse, "the file ends inside this array element", counts);
  else if (state != State::kDone)
    AddReject(path, line, offset, ErrorCode::kParse, "the file ends before the array is closed", counts);
  return Status::Ok();
}

Status JsonRecordReader::ReadDocument(const std::string& path, const RecordFn& fn, ReadCounts* counts) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) {
    AddReject(path, 0, 0, text.status().code(), text.status().message(), counts);
    return Status::Ok();
  }
  if (text.value().size() > limits_.max_record_bytes) {
    AddReject(path, 1, 0, ErrorCode::kTooLong,
              fmt::format("JSON document of {} bytes is over the limit of {} bytes (--max-record-bytes); "
                          "convert it to JSON Lines",
                          text.value().size(), limits_.max_record_bytes),
              counts);
    return Status::Ok();
  }
  counts->bytes += text.value().size();
  ProcessDocument(path, text.value(), fn, counts);
  return Status::Ok();
}

Status JsonRecordReader::ReadRange(const std::string& path, uint64_t begin, uint64_t end, const RecordFn& fn,
                                   ReadCounts* counts) {
  uint64_t open_at = begin == 0 ? 0 : begin - 1;
  published_bytes_ = open_at;
  published_records_ = counts->records;
  auto stream = OpenFileRange(path, open_at, UINT64_MAX);
  if (!stream.ok()) return stream.status();
  LineReader reader(std::move(stream.value()), limits_, open_at, begin != 0, end);
  Line line;
  uint64_t lines = 0;
  uint64_t bytes_start = 0;
  bool first = true;
  for (;;) {
    auto next = reader.Next(&line);
    if (!next.ok() || !next.value()) break;
    if (first) {
      bytes_start = line.offset;
      first = false;
    }
    ++lines;
    ProcessLine(path, line, fn, counts);
    Publish(reader, *counts, false);
  }
  Publish(reader, *counts, true);
  counts->lines += lines;
  counts->bytes += first ? 0 : reader.offset() - bytes_start;
  return Status::Ok();
}

}  // namespace coopscope
