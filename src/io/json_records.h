// Frames JSON inputs into records, whatever their layout:
//  - JSON Lines (one object per line; a line may also be an API list page
//    {"meta":…, "results":[…]} or a single entity),
//  - a JSON array of objects, an API page or a single object spread over
//    several lines (read whole, up to Limits::max_record_bytes).
// Each record reaches the callback as a simdjson On Demand object with its
// line and byte offset; records that cannot be framed become rejects.
// A JsonRecordReader owns a simdjson parser: one per thread.
#pragma once

#include <simdjson.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/limits.h"
#include "io/line_reader.h"
#include "io/reject.h"

namespace coopscope {

struct RecordPos {
  uint64_t line = 0;    // 1-based line of the record's first byte
  uint64_t offset = 0;  // byte offset of the record's first byte
};

// Parses one record; a non-ok Status rejects it with that message.  It must
// have no lasting effect: a record it accepted can still be rejected (tokens
// after the object), so effects belong in the reader's on_accept hook.
using RecordFn = std::function<Status(simdjson::ondemand::object&, const RecordPos&)>;
// Called once a record is finally accepted, after its RecordFn succeeded.
using AcceptFn = std::function<void(const RecordPos&)>;

struct ReadCounts {
  uint64_t records = 0;   // records met (accepted by the callback or rejected)
  uint64_t rejected = 0;  // of which rejected
  uint64_t bytes = 0;     // decompressed bytes read
  uint64_t lines = 0;     // lines seen (JSON Lines layout)
};

class JsonRecordReader {
 public:
  JsonRecordReader(const Limits& limits, std::vector<Reject>* rejects) : limits_(limits), rejects_(rejects) {}

  // Reads a whole file (plain, .gz or .zst), choosing the layout from its
  // first line.  A stream error (truncated .gz) is recorded as a reject and
  // reading stops there; the returned Status is an error only when the file
  // cannot be opened at all.
  Status ReadFile(const std::string& path, const RecordFn& fn, ReadCounts* counts);

  // Reads the JSON Lines that start in [begin, end) of an uncompressed file.
  // Line numbers in rejects and positions are relative to the range (the
  // caller adds the lines before it).
  Status ReadRange(const std::string& path, uint64_t begin, uint64_t end, const RecordFn& fn, ReadCounts* counts);

  // Frames one JSON line (exposed for tests and fuzzing).  The text must be
  // followed by kLinePadding readable bytes.
  void ProcessLine(const std::string& path, const Line& line, const RecordFn& fn, ReadCounts* counts);

  // The crc32 (gzip polynomial) of the file the last ReadFile read, as stored
  // on disk, when reading it saw every byte (JSON Lines layout); false
  // otherwise.  Saves reading a file again to checksum it.
  bool last_file_crc(uint32_t* crc) const {
    *crc = file_crc_;
    return file_crc_known_;
  }

  // Called for each record finally accepted (may be empty).
  void set_on_accept(AcceptFn on_accept) { on_accept_ = std::move(on_accept); }

  // Where the next rejects go (a reader can serve many files in turn).
  void set_rejects(std::vector<Reject>* rejects) { rejects_ = rejects; }

  // Counters that progress displays read while the reader works (may be null).
  void set_progress(std::atomic<uint64_t>* bytes, std::atomic<uint64_t>* records) {
    progress_bytes_ = bytes;
    progress_records_ = records;
  }

 private:
  void Accept(const RecordPos& pos, ReadCounts* counts);
  // Runs fn on one record, then accepts or rejects it.
  void Deliver(const std::string& path, simdjson::ondemand::object& obj, const RecordPos& pos, const RecordFn& fn,
               ReadCounts* counts);
  // Publishes progress: file bytes consumed by the stream, records met.
  void Publish(const LineReader& reader, const ReadCounts& counts, bool force);
  // Reads a JSON array element by element, with bounded memory.
  Status ReadArray(const std::string& path, const RecordFn& fn, ReadCounts* counts);
  void ProcessElement(const std::string& path, std::string& text, const RecordPos& pos, const RecordFn& fn,
                      ReadCounts* counts);
  // Reads a whole file (also a zip entry) as one JSON document.
  Status ReadDocument(const std::string& path, const RecordFn& fn, ReadCounts* counts);
  Status ReadLines(const std::string& path, LineReader& reader, const RecordFn& fn, ReadCounts* counts);
  void ProcessDocument(const std::string& path, std::string& text, const RecordFn& fn, ReadCounts* counts);
  void AddReject(const std::string& path, uint64_t line, uint64_t offset, ErrorCode code, std::string reason,
                 ReadCounts* counts);

  Limits limits_;
  std::vector<Reject>* rejects_;
  simdjson::ondemand::parser parser_;
  AcceptFn on_accept_;
  std::atomic<uint64_t>* progress_bytes_ = nullptr;
  std::atomic<uint64_t>* progress_records_ = nullptr;
  uint64_t published_bytes_ = 0, published_records_ = 0, since_publish_ = 0;
  uint32_t file_crc_ = 0;
  bool file_crc_known_ = false;
};

// Maps a simdjson error to our error kinds.
ErrorCode JsonErrorCode(simdjson::error_code error);

}  // namespace coopscope
