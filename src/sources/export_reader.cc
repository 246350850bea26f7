#include "sources/export_reader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "io/byte_stream.h"
#include "io/mapped_file.h"
#include "sources/bibtex/bibtex_reader.h"
#include "sources/hal/hal_reader.h"
#include "sources/scopus/scopus_reader.h"
#include "sources/wos/wos_reader.h"

namespace coopscope {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kSniffBytes = 8192;

struct FormatName {
  InputFormat format;
  std::string_view name;
};
constexpr FormatName kFormatNames[] = {
    {InputFormat::kAuto, "auto"},         {InputFormat::kOpenAlex, "openalex"}, {InputFormat::kWosTagged, "wos"},
    {InputFormat::kWosTab, "wos-tab"},    {InputFormat::kScopusCsv, "scopus"},  {InputFormat::kBibtex, "bibtex"},
    {InputFormat::kHal, "hal"},
};

std::string_view FirstLine(std::string_view s) {
  size_t e = s.find('\n');
  std::string_view line = s.substr(0, e);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

Result<InputFormat> ParseInputFormat(std::string_view name) {
  for (const auto& f : kFormatNames)
    if (f.name == name) return f.format;
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("input format '{}': choose auto, openalex, wos, wos-tab, scopus, bibtex or hal", name));
}

std::string_view InputFormatName(InputFormat format) {
  for (const auto& f : kFormatNames)
    if (f.format == format) return f.name;
  return "?";
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

int32_t FindYear(std::string_view s) {
  for (size_t i = 0; i + 4 <= s.size(); ++i) {
    if (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') continue;
    int y = 0;
    size_t k = 0;
    for (; k < 4 && s[i + k] >= '0' && s[i + k] <= '9'; ++k) y = y * 10 + (s[i + k] - '0');
    if (k < 4) continue;
    if (i + 4 < s.size() && s[i + 4] >= '0' && s[i + 4] <= '9') continue;
    if (y >= 1500 && y <= 2999) return y;
  }
  return 0;
}

InputFormat DetectInputFormatOfText(std::string_view head, std::string_view path) {
  if (head.starts_with(kBom)) head.remove_prefix(kBom.size());
  std::string_view s = head;
  while (!s.empty() && (s.front() == '\r' || s.front() == '\n' || s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  std::string_view first = FirstLine(s);
  if (first.starts_with("FN ") || first.starts_with("VR ") || first.starts_with("PT ")) return InputFormat::kWosTagged;
  if (first.starts_with("PT\t") || (first.find("\tUT") != std::string_view::npos && first.find("\tC1") != std::string_view::npos))
    return InputFormat::kWosTab;
  if (s.starts_with("{") || s.starts_with("[")) {
    std::string_view start = s.substr(0, 256);
    if (start.find("\"response\"") != std::string_view::npos) return InputFormat::kHal;
    // A bare list of HAL documents: their Solr field names.
    if (s.starts_with("[") && (s.find("\"halId_s\"") != std::string_view::npos || s.find("\"docid\"") != std::string_view::npos))
      return InputFormat::kHal;
    return InputFormat::kOpenAlex;
  }
  if (first.find("Authors") != std::string_view::npos && first.find(',') != std::string_view::npos &&
      (first.find("EID") != std::string_view::npos || first.find("Source title") != std::string_view::npos))
    return InputFormat::kScopusCsv;
  if (s.starts_with("@") || head.find("\n@") != std::string_view::npos) return InputFormat::kBibtex;
  for (std::string_view ext : {".jsonl", ".json", ".ndjson", ".jsonl.gz", ".jsonl.zst"})
    if (path.ends_with(ext)) return InputFormat::kOpenAlex;
  if (path.ends_with(".bib")) return InputFormat::kBibtex;
  if (path.ends_with(".isi") || path.ends_with(".ciw")) return InputFormat::kWosTagged;
  return InputFormat::kAuto;
}

Result<InputFormat> DetectInputFormat(const std::string& path) {
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  std::string head(kSniffBytes, '\0');
  size_t got = 0;
  while (got < head.size()) {
    auto n = stream.value()->Read(head.data() + got, head.size() - got);
    if (!n.ok()) return n.status();
    if (n.value() == 0) break;
    got += n.value();
  }
  head.resize(got);
  return DetectInputFormatOfText(head, path);
}

void ExportSink::Reject(const RecordPos& pos, std::string reason, ErrorCode code) {
  ++counts_->records;
  ++counts_->rejected;
  rejects_->push_back(coopscope::Reject{path_, pos.line, pos.offset, code, std::move(reason)});
}

void ExportSink::Deliver(const RawWork& w, const RecordPos& pos, std::string_view bytes) {
  if (bytes.size() > limits_.max_record_bytes)
    return Reject(pos, fmt::format("record of {} bytes is over --max-record-bytes {}", bytes.size(),
                                   limits_.max_record_bytes),
                  ErrorCode::kTooLong);
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) return Reject(pos, "invalid UTF-8 in the record", ErrorCode::kInvalidUtf8);
  Status st = fn_(w, pos);
  if (!st.ok()) return Reject(pos, st.message(), st.code());
  ++counts_->records;
}

void ExportSink::DeliverIfComplete(const RawWork& w, const RecordPos& pos, std::string_view bytes,
                                   std::string_view year_fields, std::string_view id_fields) {
  if (w.year == 0) return Reject(pos, fmt::format("no publication year ({})", year_fields));
  if (w.source_id.empty() && w.doi.empty()) return Reject(pos, fmt::format("no {}", id_fields));
  Deliver(w, pos, bytes);
}

void ReadExportText(std::string_view text, uint64_t base_offset, InputFormat format, ExportSink* sink) {
  switch (format) {
    case InputFormat::kWosTagged:
      return ReadWosTagged(text, base_offset, sink);
    case InputFormat::kWosTab:
      return ReadWosTab(text, base_offset, sink);
    case InputFormat::kScopusCsv:
      return ReadScopusCsv(text, base_offset, sink);
    case InputFormat::kBibtex:
      return ReadBibtex(text, base_offset, sink);
    case InputFormat::kHal:
      return ReadHalJson(text, base_offset, sink);
    case InputFormat::kAuto:
    case InputFormat::kOpenAlex:
      break;
  }
}

Status ReadExportFile(const std::string& path, InputFormat format, const Limits& limits, const RawRecordFn& fn,
                      std::vector<Reject>* rejects, ReadCounts* counts) {
  // Plain files are mapped (no copy); compressed ones decompressed in memory.
  auto kind = DetectCompression(path);
  if (!kind.ok()) return kind.status();
  MappedFile mapped;
  std::string decompressed;
  std::string_view text;
  if (kind.value() == Compression::kNone) {
    auto m = MappedFile::Open(path);
    if (!m.ok()) return m.status();
    mapped = std::move(m.value());
    text = mapped.view();
  } else {
    auto data = ReadWholeFile(path);
    if (!data.ok()) return data.status();
    decompressed = std::move(data.value());
    text = decompressed;
  }
  const uint64_t bytes = text.size();
  if (format == InputFormat::kAuto) format = DetectInputFormatOfText(text.substr(0, kSniffBytes), path);
  if (format == InputFormat::kAuto || format == InputFormat::kOpenAlex)
    return Status(ErrorCode::kParse, fmt::format("{}: not a known export format (give --input-format)", path));
  uint64_t base = 0;
  if (text.starts_with(kBom)) {
    text.remove_prefix(kBom.size());
    base = kBom.size();
  }
  counts->bytes += bytes;
  ExportSink sink(path, limits, fn, rejects, counts);
  ReadExportText(text, base, format, &sink);
  return Status::Ok();
}

}  // namespace coopscope
