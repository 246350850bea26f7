// Bibliographic exports other than OpenAlex: format names and detection, and
// the one entry point that reads a whole export file (plain, .gz or .zst)
// into RawWork records through the reader of its format:
//   wos      Web of Science tagged plaintext (FN … PT … ER), src/sources/wos
//   wos-tab  Web of Science tab-delimited (UTF-8 BOM, CRLF), src/sources/wos
//   scopus   Scopus CSV (Affiliations, Authors with affiliations), src/sources/scopus
//   bibtex   Scopus / WoS / repository BibTeX with affiliation fields, src/sources/bibtex
//   hal      HAL API JSON ({"response":{"docs":[…]}}), src/sources/hal
// A record that cannot be read becomes a Reject (file, 1-based line, byte
// offset of its first byte in the decompressed file, reason) and the rest
// loads.  Readers know nothing of matching or indicators.  Functions are
// thread-safe; each call owns its buffers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_records.h"
#include "io/limits.h"
#include "io/reject.h"
#include "io/status.h"
#include "model/raw_work.h"

namespace coopscope {

enum class InputFormat : uint8_t { kAuto, kOpenAlex, kWosTagged, kWosTab, kScopusCsv, kBibtex, kHal };

// "auto", "openalex", "wos", "wos-tab", "scopus", "bibtex", "hal".
Result<InputFormat> ParseInputFormat(std::string_view name);
std::string_view InputFormatName(InputFormat format);
// Whether files of this format are exports (read whole, through the
// affiliation matcher): not OpenAlex, and not kAuto (read as OpenAlex JSON).
inline bool IsExportFormat(InputFormat f) { return f != InputFormat::kOpenAlex && f != InputFormat::kAuto; }

// The format of a file from its first bytes (decompressed, after a UTF-8
// BOM), then its name; kAuto when neither tells.  A file that cannot be
// opened is an error.
Result<InputFormat> DetectInputFormat(const std::string& path);
// The same on text already read (exposed for tests).
InputFormat DetectInputFormatOfText(std::string_view head, std::string_view path);

// Receives each record read; a non-ok Status rejects it with that message.
using RawRecordFn = std::function<Status(const RawWork&, const RecordPos&)>;

// Shared by the readers of every format: where records and rejects go.
class ExportSink {
 public:
  ExportSink(const std::string& path, const Limits& limits, const RawRecordFn& fn, std::vector<Reject>* rejects,
             ReadCounts* counts)
      : path_(path), limits_(limits), fn_(fn), rejects_(rejects), counts_(counts) {}

  // A record of `bytes` bytes starting at pos: checks its size and UTF-8,
  // then hands it on (or rejects it).
  void Deliver(const RawWork& w, const RecordPos& pos, std::string_view bytes);
  // Deliver, unless the record has no year ("no publication year
  // (YEAR_FIELDS)") or neither a source id nor a DOI ("no ID_FIELDS").
  void DeliverIfComplete(const RawWork& w, const RecordPos& pos, std::string_view bytes, std::string_view year_fields,
                         std::string_view id_fields);
  void Reject(const RecordPos& pos, std::string reason, ErrorCode code = ErrorCode::kParse);
  const Limits& limits() const { return limits_; }
  const std::string& path() const { return path_; }

 private:
  const std::string& path_;
  const Limits& limits_;
  const RawRecordFn& fn_;
  std::vector<coopscope::Reject>* rejects_;
  ReadCounts* counts_;
};

// Reads a whole export file in the given format (kAuto: detected).  The
// returned Status is an error only when the file cannot be read at all or
// its format is unknown.
Status ReadExportFile(const std::string& path, InputFormat format, const Limits& limits, const RawRecordFn& fn,
                      std::vector<Reject>* rejects, ReadCounts* counts);

// Reads export text (the file's bytes, decompressed; `base_offset` is the file
// offset of text[0], 3 after a BOM) with the reader of `format`.
void ReadExportText(std::string_view text, uint64_t base_offset, InputFormat format, ExportSink* sink);

// Helpers shared by the readers.
// The first plausible publication year (1500..2999) in text: "2019", "JUN 2025",
// "2019-04-18"; 0 when none.
int32_t FindYear(std::string_view text);
std::string_view TrimSpaces(std::string_view s);

// Calls fn on each non-empty, trimmed item of a ';'-separated list.
template <typename Fn>
void ForEachListItem(std::string_view list, Fn fn) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(';', start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view item = TrimSpaces(list.substr(start, end - start));
    if (!item.empty()) fn(item);
    start = end + 1;
  }
}

}  // namespace coopscope
