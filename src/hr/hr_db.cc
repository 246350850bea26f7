#include "hr/hr_db.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <thread>
#include <unordered_set>

#include "io/csv_view.h"

namespace coopscope::hr {
namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return Hex(md, len);
}

// A whole input file, memory-mapped read-only (no copy, no zero-fill).
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  MappedFile(MappedFile&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  MappedFile& operator=(MappedFile&& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
  }
  Status Open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status(ErrorCode::kNotFound, fmt::format("cannot open {}", path));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Status(ErrorCode::kIo, fmt::format("cannot read {}", path));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (map == MAP_FAILED) {
        ::close(fd);
        size_ = 0;
        return Status(ErrorCode::kIo, fmt::format("cannot map {}", path));
      }
      data_ = map;
    }
    ::close(fd);
    return Status::Ok();
  }
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Asks for transparent huge pages over a large buffer: a bulk load touches
// hundreds of megabytes once, and 4 KiB page faults were a fifth of its time.
void AdviseHuge(const void* p, size_t bytes) {
  constexpr uintptr_t kHuge = 2u << 20;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The delimiter of a CSV file: tab for .tsv, else the most frequent of
// ',', ';' and tab on the header line.
char GuessDelimiter(std::string_view path, std::string_view text) {
  if (EndsWith(Lower(path), ".tsv")) return '\t';
  std::string_view head = text.substr(0, text.find('\n'));
  size_t comma = std::count(head.begin(), head.end(), ','), semi = std::count(head.begin(), head.end(), ';'),
         tab = std::count(head.begin(), head.end(), '\t');
  if (tab > comma && tab > semi) return '\t';
  return semi > comma ? ';' : ',';
}

// Rows of one input, from CSV text or an XLSX table.
class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual bool Next(std::vector<std::string>* fields, size_t* count, uint64_t* line, uint64_t* offset,
                    Status* st) = 0;
};

class CsvSource : public RowSource {
 public:
  CsvSource(std::string_view text, char delimiter) : csv_(text, delimiter) {}
  CsvSource(std::string_view text, char delimiter, uint64_t first_line, uint64_t base_offset)
      : csv_(text, delimiter, first_line, base_offset) {}
  bool Next(std::vector<std::string>* fields, size_t* count, uint64_t* line, uint64_t* offset, Status* st) override {
    bool ok = csv_.Next(fields, count, st);
    *line = csv_.line();
    *offset = csv_.offset();
    return ok;
  }

 private:
  CsvView csv_;
};

class TableSource : public RowSource {
 public:
  explicit TableSource(Table t) : t_(std::move(t)) {}
  bool Next(std::vector<std::string>* fields, size_t* count, uint64_t* line, uint64_t* offset, Status*) override {
    if (i_ >= t_.rows.size()) return false;
    *count = t_.rows[i_].size();
    if (fields->size() < *count) fields->resize(*count);
    for (size_t k = 0; k < *count; ++k) (*fields)[k] = t_.rows[i_][k];
    *line = t_.lines[i_];
    *offset = t_.offsets[i_];
    ++i_;
    return true;
  }

 private:
  Table t_;
  size_t i_ = 0;
};

std::string SqlType(ColumnType t) { return t == ColumnType::kYear ? "INTEGER" : "TEXT"; }

std::string CreateTableSql(const RecordSchema& s) {
  std::string sql = fmt::format("CREATE TABLE IF NOT EXISTS {} (", s.name);
  for (const ColumnSpec& c : s.columns) sql += fmt::format("{} {} NOT NULL, ", c.name, SqlType(c.type));
  sql += "PRIMARY KEY(";
  for (size_t i = 0; i < s.key.size(); ++i) sql += (i ? "," : "") + std::string(s.key[i]);
  return sql + ")) WITHOUT ROWID;";
}

// Insert, or update only when a non-key column differs: sqlite3_changes() is
// then 0 for an unchanged row.
std::string UpsertSql(const RecordSchema& s) {
  std::string cols, params, sets, differs;
  for (size_t i = 0; i < s.columns.size(); ++i) {
    std::string_view name = s.columns[i].name;
    cols += fmt::format("{}{}", i ? "," : "", name);
    params += fmt::format("{}?{}", i ? "," : "", i + 1);
    if (std::find(s.key.begin(), s.key.end(), name) != s.key.end()) continue;
    sets += fmt::format("{}{}=excluded.{}", sets.empty() ? "" : ",", name, name);
    differs += fmt::format("{}{}.{} IS NOT excluded.{}", differs.empty() ? "" : " OR ", s.name, name, name);
  }
  std::string keys;
  for (size_t i = 0; i < s.key.size(); ++i) keys += (i ? "," : "") + std::string(s.key[i]);
  if (sets.empty()) return fmt::format("INSERT INTO {}({}) VALUES({}) ON CONFLICT({}) DO NOTHING", s.name, cols, params, keys);
  return fmt::format("INSERT INTO {}({}) VALUES({}) ON CONFLICT({}) DO UPDATE SET {} WHERE {}", s.name, cols, params,
                     keys, sets, differs);
}

// The kind named by the file (its name starts with the kind's name), or the
// only kind whose required columns the header holds.
std::optional<RecordKind> DetectKind(const std::string& path, const std::vector<std::string>& header, size_t n) {
  std::string stem = Lower(std::filesystem::path(path).filename().string());
  for (RecordKind k : kAllKinds)
    if (stem.rfind(KindName(k), 0) == 0) return k;
  std::optional<RecordKind> found;
  for (RecordKind k : kAllKinds) {
    bool all = true;
    for (const ColumnSpec& c : SchemaOf(k).columns) {
      if (!c.required) continue;
      bool has = false;
      for (size_t i = 0; i < n; ++i) has |= Lower(header[i]) == c.name;
      all &= has;
    }
    if (all) {
      if (found) return std::nullopt;
      found = k;
    }
  }
  return found;
}

struct Input {
  std::string path;
  MappedFile file;
  std::string_view content;  // CSV text; empty for XLSX (rows in `table`)
  Table table;
  bool xlsx = false;
  std::string sha256;
  RecordKind kind = RecordKind::kPeople;
  bool kind_known = false;
};

}  // namespace

std::string ImportError::ToString() const {
  std::string where = fmt::format("{}:{}:{}: ", file, line, offset);
  if (!column.empty()) where += fmt::format("column '{}': value '{}': ", column, value);
  return where + "expected " + expected;
}

Reject ImportError::ToReject() const {
  Reject r;
  r.file = file;
  r.line = line;
  r.offset = offset;
  r.code = ErrorCode::kInvalidArgument;
  r.reason = column.empty() ? "expected " + expected
                            : fmt::format("column '{}': value '{}': expected {}", column, value, expected);
  return r;
}

Result<std::unique_ptr<HrDb>> HrDb::Open(const std::string& path, bool create) {
  if (!create && !std::filesystem::exists(path))
    return Status(ErrorCode::kNotFound, fmt::format("the HR database {} does not exist (import creates it)", path));
  std::unique_ptr<HrDb> db(new HrDb());
  if (Status st = db->db_.Open(path, create); !st.ok()) return st;
  if (Status st = db->Init(create); !st.ok()) return st;
  return db;
}

Status HrDb::Init(bool create) {
  if (Status st = db_.Exec("PRAGMA page_size=16384; PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;"
                           "PRAGMA temp_store=MEMORY;");
      !st.ok())
    return st;
  std::string ddl =
      "BEGIN IMMEDIATE;"
      "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS ledger (sha256 TEXT PRIMARY KEY, file TEXT NOT NULL, kind TEXT NOT NULL,"
      " rows INTEGER NOT NULL, inserted INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL,"
      " purged_skipped INTEGER NOT NULL, imported_at TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS purged (person_id TEXT PRIMARY KEY, purged_at TEXT NOT NULL);";
  for (RecordKind k : kAllKinds) ddl += CreateTableSql(SchemaOf(k));
  if (Status st = db_.Exec(ddl); !st.ok()) return st;
  auto get = db_.Prepare("SELECT value FROM meta WHERE key = ?1");
  if (!get.ok()) return get.status();
  Status st;
  get->Bind(1, std::string_view("salt"));
  if (get->Step(&st)) {
    std::string hex = get->Text(0);
    salt_.clear();
    for (size_t i = 0; i + 1 < hex.size(); i += 2) salt_.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  } else {
    if (!st.ok()) return st;
    unsigned char salt[32];
    if (RAND_bytes(salt, sizeof salt) != 1) return Status(ErrorCode::kIo, "cannot draw a random salt");
    salt_.assign(reinterpret_cast<char*>(salt), sizeof salt);
    auto put = db_.Prepare("INSERT INTO meta(key, value) VALUES ('salt', ?1), ('format_version', ?2)");
    if (!put.ok()) return put.status();
    put->Bind(1, std::string_view(Hex(salt, sizeof salt))).Bind(2, std::string_view(std::to_string(kHrDbFormatVersion)));
    if (Status s = put->Run(); !s.ok()) return s;
  }
  get = Status();
  (void)create;
  return db_.Exec("COMMIT;");
}

std::string HrDb::Pseudonym(std::string_view person_id) const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), salt_.data(), static_cast<int>(salt_.size()), reinterpret_cast<const unsigned char*>(person_id.data()),
       person_id.size(), md, &len);
  return "p" + Hex(md, 10);
}

Result<uint64_t> HrDb::Count(RecordKind kind) {
  auto q = db_.Prepare(fmt::format("SELECT count(*) FROM {}", KindName(kind)));
  if (!q.ok()) return q.status();
  Status st;
  uint64_t n = q->Step(&st) ? static_cast<uint64_t>(q->Int(0)) : 0;
  if (!st.ok()) return st;
  return n;
}

Result<ImportSummary> HrDb::Import(const std::vector<std::string>& files, const ImportOptions& options) {
  ImportSummary summary;
  auto error = [&](ImportError e) {
    ++summary.error_count;
    if (summary.errors.size() < options.max_errors_kept) summary.errors.push_back(std::move(e));
  };

  // 1. Read every file and tell its kind, so that people load first.
  std::vector<Input> inputs;
  std::vector<std::string> fields;
  for (const std::string& path : files) {
    Input in;
    in.path = path;
    if (Status st = in.file.Open(path); !st.ok()) return st;
    in.sha256 = Sha256Hex(in.file.view());
    in.xlsx = EndsWith(Lower(path), ".xlsx");
    if (in.xlsx) {
      auto t = ReadXlsx(path);
      if (!t.ok()) {
        error({path, 0, 0, "", "", "a readable XLSX workbook: " + t.status().message()});
        continue;
      }
      in.table = std::move(t.value());
      if (!in.table.rows.empty()) fields = in.table.rows[0];
    } else {
      in.content = in.file.view();
      CsvView head(in.content, GuessDelimiter(path, in.content));
      size_t n = 0;
      Status st;
      if (!head.Next(&fields, &n, &st)) fields.clear();
      fields.resize(n);
    }
    if (auto kind = DetectKind(path, fields, fields.size())) {
      in.kind = *kind;
      in.kind_known = true;
    } else {
      error({path, 1, 0, "", "",
             "a file named after its records (people…, recruitments…, missions…, visitors…, structures…) or a "
             "header holding the required columns of exactly one of them"});
      continue;
    }
    inputs.push_back(std::move(in));
  }
  std::stable_sort(inputs.begin(), inputs.end(),
                   [](const Input& a, const Input& b) { return a.kind < b.kind; });

  // 2. One transaction for everything; any error rolls it all back.
  if (Status st = db_.Exec("BEGIN IMMEDIATE;"); !st.ok()) return st;
  struct Rollback {
    store::Db* db;
    bool armed = true;
    ~Rollback() {
      if (armed) db->Exec("ROLLBACK;");
    }
  } rollback{&db_};

  std::unordered_set<std::string> known_people, purged, seen_sha;
  {
    auto q = db_.Prepare("SELECT person_id FROM people");
    if (!q.ok()) return q.status();
    Status st;
    while (q->Step(&st)) known_people.insert(q->Text(0));
    if (!st.ok()) return st;
    auto p = db_.Prepare("SELECT person_id FROM purged");
    if (!p.ok()) return p.status();
    while (p->Step(&st)) purged.insert(p->Text(0));
    if (!st.ok()) return st;
  }
  auto in_ledger = db_.Prepare("SELECT 1 FROM ledger WHERE sha256 = ?1");
  if (!in_ledger.ok()) return in_ledger.status();
  // Person ids met in a file: the pseudonym is computed once per id.
  struct PersonEntry {
    std::string pseudonym;
    bool known = false, purged = false;
  };

  for (Input& in : inputs) {
    const RecordSchema& schema = SchemaOf(in.kind);
    FileImport fi;
    fi.file = in.path;
    fi.kind = in.kind;
    fi.sha256 = in.sha256;
    Status st;
    in_ledger->Reset();
    in_ledger->Bind(1, std::string_view(in.sha256));
    bool known = in_ledger->Step(&st);
    if (!st.ok()) return st;
    if (known || !seen_sha.insert(in.sha256).second) {
      fi.already_imported = true;
      summary.files.push_back(std::move(fi));
      continue;
    }
    std::unique_ptr<RowSource> rows;
    if (in.xlsx)
      rows = std::make_unique<TableSource>(std::move(in.table));
    else
      rows = std::make_unique<CsvSource>(in.content, GuessDelimiter(in.path, in.content));
    bool utf8_ok = in.xlsx || simdjson::validate_utf8(in.content);

    // Header: every required column once, nothing unknown.
    size_t n = 0;
    uint64_t line = 0, offset = 0;
    if (!rows->Next(&fields, &n, &line, &offset, &st)) {
      error({in.path, 1, 0, "", "", st.ok() ? "a header line" : st.message()});
      continue;
    }
    const size_t width = n;
    std::vector<int> column_of(width, -1);  // input column → schema column; -1: dropped
    std::vector<bool> present(schema.columns.size(), false);
    bool header_ok = true;
    for (size_t i = 0; i < width; ++i) {
      std::string name = Lower(std::string_view(fields[i]).substr(0, fields[i].find_last_not_of(" \t") + 1));
      if (IsIdentifyingColumn(name)) {
        fi.dropped_columns.push_back(fields[i]);
        continue;
      }
      int found = -1;
      for (size_t c = 0; c < schema.columns.size(); ++c)
        if (schema.columns[c].name == name) found = static_cast<int>(c);
      if (found < 0) {
        std::string names;
        for (const ColumnSpec& c : schema.columns) names += (names.empty() ? "" : ", ") + std::string(c.name);
        error({in.path, line, offset, fields[i], fields[i], fmt::format("a column of {}: {}", schema.name, names)});
        header_ok = false;
      } else if (present[found]) {
        error({in.path, line, offset, fields[i], fields[i], "each column once"});
        header_ok = false;
      } else {
        present[found] = true;
        column_of[i] = found;
      }
    }
    for (size_t c = 0; c < schema.columns.size(); ++c)
      if (!present[c] && schema.columns[c].required) {
        error({in.path, line, offset, std::string(schema.columns[c].name), "",
               fmt::format("the required column '{}' in the header", schema.columns[c].name)});
        header_ok = false;
      }
    if (!header_ok) continue;

    // Schema column positions of the key, the person and the date pair.
    auto index_of = [&](std::string_view name) -> int {
      for (size_t c = 0; c < schema.columns.size(); ++c)
        if (schema.columns[c].name == name) return static_cast<int>(c);
      return -1;
    };
    const int person_col = index_of("person_id");
    const int start_col = schema.start_column.empty() ? -1 : index_of(schema.start_column);
    const int end_col = schema.end_column.empty() ? -1 : index_of(schema.end_column);
    const bool needs_person = in.kind == RecordKind::kRecruitments || in.kind == RecordKind::kMissions;
    std::vector<int> key_cols;
    for (std::string_view k : schema.key) key_cols.push_back(index_of(k));

    auto count_rows = [&]() -> Result<uint64_t> { return Count(in.kind); };
    auto before = count_rows();
    if (!before.ok()) return before.status();
    auto upsert = db_.Prepare(UpsertSql(schema));
    if (!upsert.ok()) return upsert.status();
    // Valid rows wait in an arena (cells and natural key, no per-row
    // allocation), to be checked for repeated keys and written in key order
    // (sequential B-tree inserts).  A large CSV is validated by two threads,
    // each over half of the rows with its own arena.
    constexpr char kSep = '\x1f';  // joins key cells: validated text holds no control character
    struct Pending {
      uint64_t prefix;  // the key's first 8 bytes, big-endian: most comparisons end here
      uint32_t chunk;   // whose arena
      size_t key_begin, key_end, cells;  // cells: index of the row's first cell bound in `bounds`
      uint64_t line, offset;
    };
    struct Chunk {
      RowSource* rows = nullptr;
      size_t bytes = 0;
      uint64_t stop_at = UINT64_MAX;  // the first offset left to the next chunk
      bool overran = false;           // a record crossed stop_at: this chunk read on to the end
      std::vector<Pending> pending;
      std::string arena;
      std::vector<size_t> bounds;  // per row: columns + 1 offsets into the arena
      std::vector<ImportError> errors;
      uint64_t error_count = 0, rows_read = 0, purged_skipped = 0;
      std::unordered_map<std::string, PersonEntry> persons;
      Status st;
    };
    const size_t ncols = schema.columns.size();
    auto validate = [&](Chunk& ch, uint32_t chunk_index) {
      auto fail = [&](ImportError e) {
        ++ch.error_count;
        if (ch.errors.size() < options.max_errors_kept) ch.errors.push_back(std::move(e));
      };
      // Sized once from the line count: growing by doubling costs copies and page faults.
      ch.arena.reserve(2 * ch.bytes + 4096);  // pseudonyms and keys outgrow the raw text
      AdviseHuge(ch.arena.data(), ch.arena.capacity());
      if (!in.xlsx) {
        size_t max_rows = ch.bytes / 8 + 16;  // a row is at least 8 bytes (the required cells)
        ch.pending.reserve(max_rows);
        ch.bounds.reserve(max_rows * (ncols + 1));
        AdviseHuge(ch.pending.data(), ch.pending.capacity() * sizeof(Pending));
        AdviseHuge(ch.bounds.data(), ch.bounds.capacity() * sizeof(size_t));
      }
      std::vector<std::string> cells;
      std::vector<std::string> values(ncols);
      size_t n = 0;
      uint64_t line = 0, offset = 0;
      while (ch.rows->Next(&cells, &n, &line, &offset, &ch.st)) {
        if (offset >= ch.stop_at) {
          if (offset == ch.stop_at) break;  // the next chunk starts here
          ch.overran = true;                // a quoted line break crossed the split
          ch.stop_at = UINT64_MAX;
        }
        if (n == 1 && cells[0].empty()) continue;  // a blank line
        ++ch.rows_read;
        if (n != width) {
          fail({in.path, line, offset, "", "", fmt::format("{} fields as in the header, found {}", width, n)});
          continue;
        }
        bool row_ok = true;
        for (auto& v : values) v.clear();
        for (size_t i = 0; i < width; ++i) {
          int c = column_of[i];
          if (c < 0) continue;
          const ColumnSpec& spec = schema.columns[c];
          if (!utf8_ok && !simdjson::validate_utf8(cells[i])) {
            fail({in.path, line, offset, std::string(spec.name), cells[i], "valid UTF-8 text"});
            row_ok = false;
            continue;
          }
          std::string expected = ValidateField(spec, cells[i], &values[c]);
          if (!expected.empty()) {
            fail({in.path, line, offset, std::string(spec.name), cells[i], expected});
            row_ok = false;
          }
        }
        if (!row_ok) continue;
        if (start_col >= 0 && end_col >= 0 && !values[end_col].empty() && values[end_col] < values[start_col]) {
          fail({in.path, line, offset, std::string(schema.end_column), values[end_col],
                fmt::format("a date on or after {} {}", schema.start_column, values[start_col])});
          continue;
        }
        if (person_col >= 0) {
          auto [it, fresh] = ch.persons.try_emplace(values[person_col]);
          PersonEntry& person = it->second;
          if (fresh) {
            person.pseudonym = Pseudonym(values[person_col]);
            person.known = known_people.count(person.pseudonym) > 0;
            person.purged = purged.count(person.pseudonym) > 0;
          }
          if (person.purged) {
            ++ch.purged_skipped;
            continue;
          }
          if (needs_person && !person.known) {
            fail({in.path, line, offset, "person_id", it->first,
                  "a person_id present in people (imported before or in the same call)"});
            continue;
          }
          values[person_col] = person.pseudonym;
        }
        std::string& arena = ch.arena;
        Pending p{0, chunk_index, arena.size(), 0, ch.bounds.size(), line, offset};
        for (int k : key_cols) (arena += values[k]) += kSep;
        p.key_end = arena.size();
        for (size_t b = 0; b < 8; ++b)
          p.prefix = (p.prefix << 8) |
                     (p.key_begin + b < p.key_end ? static_cast<unsigned char>(arena[p.key_begin + b]) : 0);
        for (const std::string& v : values) {
          ch.bounds.push_back(arena.size());
          arena += v;
        }
        ch.bounds.push_back(arena.size());
        ch.pending.push_back(p);
      }
      if (!ch.st.ok()) fail({in.path, line, offset, "", "", "well-formed CSV: " + ch.st.message()});
    };

    // The split: the first record boundary after the middle of the rows.
    std::vector<Chunk> chunks(1);
    chunks[0].rows = rows.get();
    chunks[0].bytes = in.content.size();
    std::unique_ptr<RowSource> second_rows;
    if (!in.xlsx && in.content.size() >= options.parallel_min_bytes && std::thread::hardware_concurrency() > 1) {
      size_t mid = in.content.find('\n', static_cast<size_t>(offset) + (in.content.size() - offset) / 2);
      if (mid != std::string_view::npos && mid + 1 < in.content.size()) {
        size_t split = mid + 1;
        uint64_t first_line = 1 + static_cast<uint64_t>(std::count(in.content.begin(), in.content.begin() + split, '\n'));
        second_rows = std::make_unique<CsvSource>(in.content.substr(split), GuessDelimiter(in.path, in.content),
                                                  first_line, split);
        chunks.resize(2);
        chunks[0].stop_at = split;
        chunks[0].bytes = split;
        chunks[1].rows = second_rows.get();
        chunks[1].bytes = in.content.size() - split;
      }
    }
    {
      std::thread helper;
      if (chunks.size() == 2) helper = std::thread([&] { validate(chunks[1], 1); });
      validate(chunks[0], 0);
      if (helper.joinable()) helper.join();
    }
    if (chunks[0].overran) chunks.resize(1);  // the first chunk read everything
    const size_t first_error = summary.errors.size();
    std::vector<Pending> pending = std::move(chunks[0].pending);
    for (size_t c = 0; c < chunks.size(); ++c) {
      Chunk& ch = chunks[c];
      if (c > 0) pending.insert(pending.end(), ch.pending.begin(), ch.pending.end());
      fi.rows += ch.rows_read;
      fi.purged_skipped += ch.purged_skipped;
      for (auto& e : ch.errors) error(std::move(e));
      summary.error_count += ch.error_count - ch.errors.size();
      if (in.kind == RecordKind::kPeople)
        for (const auto& [id, person] : ch.persons)
          if (!person.purged) known_people.insert(person.pseudonym);
    }
    auto key_of = [&](const Pending& p) {
      const std::string& arena = chunks[p.chunk].arena;
      return std::string_view(arena).substr(p.key_begin, p.key_end - p.key_begin);
    };
    uint64_t changed = 0;

    // Repeated keys, in key order; equal keys keep their file order.
    std::sort(pending.begin(), pending.end(), [&](const Pending& a, const Pending& b) {
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      int c = key_of(a).compare(key_of(b));
      return c != 0 ? c < 0 : a.line < b.line;
    });
    auto same_key = [&](size_t i, size_t j) {
      return pending[i].prefix == pending[j].prefix && key_of(pending[i]) == key_of(pending[j]);
    };
    for (size_t i = 1; i < pending.size(); ++i) {
      if (!same_key(i, i - 1)) continue;
      size_t first = i - 1;
      while (first > 0 && same_key(first - 1, i)) --first;
      std::string key_names;
      for (std::string_view k : schema.key) key_names += (key_names.empty() ? "" : ", ") + std::string(k);
      error({in.path, pending[i].line, pending[i].offset, "", "",
             fmt::format("one row per key ({}); line {} has the same key", key_names, pending[first].line)});
    }
    std::stable_sort(summary.errors.begin() + static_cast<std::ptrdiff_t>(first_error), summary.errors.end(),
                     [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
    if (summary.error_count > 0) {
      summary.files.push_back(std::move(fi));
      continue;  // keep validating the other files, write nothing
    }
    for (const Pending& p : pending) {
      const std::string_view all(chunks[p.chunk].arena);
      const std::vector<size_t>& bounds = chunks[p.chunk].bounds;
      upsert->Reset();
      for (size_t c = 0; c < ncols; ++c)
        upsert->BindStatic(static_cast<int>(c + 1),
                           all.substr(bounds[p.cells + c], bounds[p.cells + c + 1] - bounds[p.cells + c]));
      if (Status s = upsert->Run(); !s.ok()) return s;
      changed += static_cast<uint64_t>(sqlite3_changes(db_.raw()));
    }
    auto after = count_rows();
    if (!after.ok()) return after.status();
    fi.inserted = after.value() - before.value();
    fi.updated = changed - fi.inserted;
    fi.unchanged = fi.rows - fi.purged_skipped - changed;
    summary.files.push_back(std::move(fi));
  }

  if (summary.error_count > 0) return summary;  // Rollback undoes everything
  auto ledger = db_.Prepare(
      "INSERT INTO ledger(sha256, file, kind, rows, inserted, updated, unchanged, purged_skipped, imported_at) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
  if (!ledger.ok()) return ledger.status();
  for (const FileImport& fi : summary.files) {
    if (fi.already_imported) continue;
    ledger->Reset();
    ledger->Bind(1, std::string_view(fi.sha256))
        .Bind(2, std::string_view(fi.file))
        .Bind(3, KindName(fi.kind))
        .Bind(4, static_cast<int64_t>(fi.rows))
        .Bind(5, static_cast<int64_t>(fi.inserted))
        .Bind(6, static_cast<int64_t>(fi.updated))
        .Bind(7, static_cast<int64_t>(fi.unchanged))
        .Bind(8, static_cast<int64_t>(fi.purged_skipped));
    if (Status s = ledger->Run(); !s.ok()) return s;
  }
  if (Status s = db_.Exec("COMMIT;"); !s.ok()) return s;
  rollback.armed = false;
  summary.committed = true;
  return summary;
}

Result<PurgeSummary> HrDb::Purge(std::string_view person) {
  PurgeSummary out;
  out.pseudonym = Pseudonym(person);
  // A pseudonym given as is.
  if (person.size() == 21 && person[0] == 'p') {
    auto q = db_.Prepare(
        "SELECT 1 FROM people WHERE person_id=?1 UNION ALL SELECT 1 FROM missions WHERE person_id=?1 UNION ALL "
        "SELECT 1 FROM visitors WHERE person_id=?1 UNION ALL SELECT 1 FROM recruitments WHERE person_id=?1 LIMIT 1");
    if (!q.ok()) return q.status();
    q->Bind(1, person);
    Status st;
    if (q->Step(&st)) out.pseudonym = std::string(person);
    if (!st.ok()) return st;
  }
  if (Status st = db_.Exec("PRAGMA secure_delete=ON; BEGIN IMMEDIATE;"); !st.ok()) return st;
  // Runs one statement on the pseudonym; returns the rows it changed.
  auto run = [&](const std::string& sql) -> Result<uint64_t> {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, std::string_view(out.pseudonym));
    if (Status st = stmt->Run(); !st.ok()) return st;
    return static_cast<uint64_t>(sqlite3_changes(db_.raw()));
  };
  uint64_t* counts[] = {&out.people, &out.recruitments, &out.missions, &out.visitors};
  RecordKind kinds[] = {RecordKind::kPeople, RecordKind::kRecruitments, RecordKind::kMissions, RecordKind::kVisitors};
  Result<uint64_t> r = uint64_t{0};
  for (size_t i = 0; i < 4 && r.ok(); ++i) {
    r = run(fmt::format("DELETE FROM {} WHERE person_id = ?1", KindName(kinds[i])));
    if (r.ok()) *counts[i] = r.value();
  }
  if (r.ok()) r = run("INSERT OR IGNORE INTO purged(person_id, purged_at) VALUES(?1, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
  if (!r.ok()) {
    db_.Exec("ROLLBACK;");
    return r.status();
  }
  if (Status st = db_.Exec("COMMIT;"); !st.ok()) return st;
  return out;
}

}  // namespace coopscope::hr
