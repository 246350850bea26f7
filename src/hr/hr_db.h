// The HR database: the organisation's own records (people, recruitments,
// missions, visitors, international structures; schemas in hr/records.h and
// docs/hr-records.md) in one SQLite file.
//
// Import is all or nothing: every file of a call is validated row by row
// inside one transaction, and a single error anywhere rolls everything back;
// each error names the file, line, byte offset, column, value and what was
// expected.  Re-importing changes nothing: a ledger keyed by each file's
// SHA-256 skips files already imported, and rows are upserted on their
// natural key (a corrected file updates only the rows that changed).
//
// Privacy: person ids are replaced on reading by a keyed pseudonym
// (HMAC-SHA256 under a random salt created with the database and kept in it);
// the original id is never stored, and identifying columns (names, e-mail,
// birth date) are dropped.  Purge deletes every record of a person (with
// SQLite's secure_delete) and keeps the pseudonym in a `purged` list so that a
// later import cannot bring the person back.
//
// An HrDb is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hr/records.h"
#include "io/reject.h"
#include "io/status.h"
#include "store/sqlite.h"

namespace coopscope::hr {

inline constexpr int kHrDbFormatVersion = 1;

// One validation error: where, which cell, and what was expected.
struct ImportError {
  std::string file;
  uint64_t line = 0;    // 1-based; 0 for the whole file
  uint64_t offset = 0;  // byte offset of the record's first byte
  std::string column;   // empty when the error concerns the whole row or file
  std::string value;
  std::string expected;

  // "file:line:offset: column 'c': value 'v': expected …"
  std::string ToString() const;
  Reject ToReject() const;
};

struct FileImport {
  std::string file;
  RecordKind kind = RecordKind::kPeople;
  std::string sha256;
  bool already_imported = false;  // same checksum found in the ledger (or earlier in this call)
  // rows = inserted + updated + unchanged + purged_skipped
  uint64_t rows = 0, inserted = 0, updated = 0, unchanged = 0, purged_skipped = 0;
  std::vector<std::string> dropped_columns;  // identifying columns read and not stored
};

struct ImportSummary {
  std::vector<FileImport> files;
  uint64_t error_count = 0;          // every error found
  std::vector<ImportError> errors;   // the first ImportOptions::max_errors_kept, in file order
  bool committed = false;            // true only when error_count == 0
};

struct ImportOptions {
  size_t max_errors_kept = 1000;
  // CSV files from this size on are validated by two threads (each half of
  // the rows); the result is the same either way.
  size_t parallel_min_bytes = 8u << 20;
};

struct PurgeSummary {
  std::string pseudonym;
  uint64_t people = 0, recruitments = 0, missions = 0, visitors = 0;
  uint64_t total() const { return people + recruitments + missions + visitors; }
};

class HrDb {
 public:
  // Opens (and with `create`, creates) the database file.
  static Result<std::unique_ptr<HrDb>> Open(const std::string& path, bool create);

  // Validates and loads CSV/TSV (delimiter guessed from the header line) or
  // XLSX (first sheet) files.  The record kind of a file comes from its name
  // (people*.csv, missions_2022.xlsx…) or else from its header.  A file that
  // cannot be read is a Status error; validation errors are in the summary.
  Result<ImportSummary> Import(const std::vector<std::string>& files, const ImportOptions& options = {});

  // The stored pseudonym of a person id: "p" + 20 hex digits.
  std::string Pseudonym(std::string_view person_id) const;

  // Deletes every record of a person, given its original id or its pseudonym.
  Result<PurgeSummary> Purge(std::string_view person);

  // Record counts per kind, for `hr info` and tests.
  Result<uint64_t> Count(RecordKind kind);

  store::Db& sql() { return db_; }

 private:
  HrDb() = default;
  Status Init(bool create);

  store::Db db_;
  std::string salt_;  // raw bytes
};

// The rows of a file, as the importer sees them (CSV/TSV or the first sheet
// of an XLSX workbook); exposed for tests and the benchmark.
struct Table {
  std::vector<std::vector<std::string>> rows;
  std::vector<uint64_t> lines, offsets;
};
// Reads the first worksheet of an XLSX workbook (shared and inline strings,
// numbers, dates stored as serial numbers in date-formatted cells become
// YYYY-MM-DD).  Row numbers are the sheet's.
Result<Table> ReadXlsx(const std::string& path);

}  // namespace coopscope::hr
