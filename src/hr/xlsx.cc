// ReadXlsx (declared in hr/hr_db.h): the first worksheet of an XLSX workbook,
// read with libzip (the package) and expat (its XML parts).
#include <expat.h>
#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <memory>
#include <set>

#include "hr/hr_db.h"
#include "io/zip_library.h"
#include "model/calendar.h"

namespace coopscope::hr {
namespace {

std::string_view Local(const char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attr(const char** attrs, std::string_view name) {
  for (size_t i = 0; attrs[i]; i += 2)
    if (Local(attrs[i]) == name) return attrs[i + 1];
  return nullptr;
}

// Streams an XML part through expat callbacks.
struct XmlHandlers {
  std::function<void(std::string_view, const char**)> start;
  std::function<void(std::string_view)> end;
  std::function<void(std::string_view)> text;
};

Status ParseXml(const std::string& xml, const std::string& part, XmlHandlers* h) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                                      &XML_ParserFree);
  XML_SetUserData(parser.get(), h);
  XML_SetElementHandler(
      parser.get(),
      [](void* u, const char* name, const char** attrs) {
        auto* hh = static_cast<XmlHandlers*>(u);
        if (hh->start) hh->start(Local(name), attrs);
      },
      [](void* u, const char* name) {
        auto* hh = static_cast<XmlHandlers*>(u);
        if (hh->end) hh->end(Local(name));
      });
  XML_SetCharacterDataHandler(parser.get(), [](void* u, const char* s, int len) {
    auto* hh = static_cast<XmlHandlers*>(u);
    if (hh->text) hh->text(std::string_view(s, static_cast<size_t>(len)));
  });
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR)
    return Status(ErrorCode::kParse, fmt::format("{}: XML error at line {}: {}", part,
                                                 XML_GetCurrentLineNumber(parser.get()),
                                                 XML_ErrorString(XML_GetErrorCode(parser.get()))));
  return Status::Ok();
}

class Archive {
 public:
  ~Archive() {
    if (archive_) zip_->discard(archive_);
  }
  Status Open(const std::string& path) {
    auto lib = LoadZipLibrary();
    if (!lib.ok()) return lib.status();
    zip_ = lib.value();
    int err = 0;
    archive_ = zip_->open(path.c_str(), ZIP_RDONLY, &err);
    if (!archive_) return Status(ErrorCode::kParse, fmt::format("{} is not a zip archive (XLSX)", path));
    return Status::Ok();
  }
  // The part's bytes; nullopt when absent.
  std::optional<std::string> Read(const std::string& name) {
    zip_stat_t st;
    if (zip_->stat(archive_, name.c_str(), 0, &st) != 0) return std::nullopt;
    zip_file_t* f = zip_->fopen(archive_, name.c_str(), 0);
    if (!f) return std::nullopt;
    std::string out(static_cast<size_t>(st.size), '\0');
    zip_int64_t got = zip_->fread(f, out.data(), st.size);
    zip_->fclose(f);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) return std::nullopt;
    return out;
  }

 private:
  const ZipLibrary* zip_ = nullptr;
  zip_t* archive_ = nullptr;
};

// Built-in number formats that show dates (ECMA-376 18.8.30).
bool IsDateFormatId(int id) { return (id >= 14 && id <= 22) || (id >= 45 && id <= 47); }

bool IsDateFormatCode(std::string_view code) {
  bool quoted = false, bracket = false;
  for (char c : code) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == '[') bracket = true;
    else if (!quoted && c == ']') bracket = false;
    else if (!quoted && !bracket && (c == 'd' || c == 'm' || c == 'y' || c == 'D' || c == 'M' || c == 'Y')) return true;
  }
  return false;
}

// "BC12" → column index 54 (0-based); -1 when absent.
int ColumnOfRef(const char* ref) {
  if (!ref) return -1;
  int col = 0;
  bool any = false;
  for (const char* p = ref; *p >= 'A' && *p <= 'Z'; ++p) {
    col = col * 26 + (*p - 'A' + 1);
    any = true;
  }
  return any ? col - 1 : -1;
}

}  // namespace

Result<Table> ReadXlsx(const std::string& path) {
  Archive zip;
  if (Status st = zip.Open(path); !st.ok()) return st;

  // The first sheet's part, through the workbook and its relations.
  std::string sheet_part = "xl/worksheets/sheet1.xml";
  if (auto wb = zip.Read("xl/workbook.xml")) {
    std::string rid;
    XmlHandlers h;
    h.start = [&](std::string_view name, const char** attrs) {
      if (name == "sheet" && rid.empty())
        if (const char* id = Attr(attrs, "id")) rid = id;
    };
    if (Status st = ParseXml(*wb, "xl/workbook.xml", &h); !st.ok()) return st;
    if (auto rels = zip.Read("xl/_rels/workbook.xml.rels"); rels && !rid.empty()) {
      XmlHandlers r;
      r.start = [&](std::string_view name, const char** attrs) {
        const char* id = Attr(attrs, "Id");
        const char* target = Attr(attrs, "Target");
        if (name == "Relationship" && id && target && rid == id) {
          std::string t = target;
          sheet_part = t[0] == '/' ? t.substr(1) : "xl/" + t;
        }
      };
      if (Status st = ParseXml(*rels, "xl/_rels/workbook.xml.rels", &r); !st.ok()) return st;
    }
  }

  std::vector<std::string> shared;
  if (auto ss = zip.Read("xl/sharedStrings.xml")) {
    XmlHandlers h;
    bool in_t = false;
    int skip = 0;  // inside <rPh> (phonetic runs): not part of the text
    h.start = [&](std::string_view name, const char**) {
      if (name == "si") shared.emplace_back();
      else if (name == "rPh") ++skip;
      else if (name == "t") in_t = true;
    };
    h.end = [&](std::string_view name) {
      if (name == "t") in_t = false;
      else if (name == "rPh") --skip;
    };
    h.text = [&](std::string_view s) {
      if (in_t && !skip && !shared.empty()) shared.back().append(s);
    };
    if (Status st = ParseXml(*ss, "xl/sharedStrings.xml", &h); !st.ok()) return st;
  }

  std::vector<bool> date_style;  // by cellXfs index
  if (auto styles = zip.Read("xl/styles.xml")) {
    std::set<int> custom_dates;
    bool in_xfs = false;
    XmlHandlers h;
    h.start = [&](std::string_view name, const char** attrs) {
      if (name == "numFmt") {
        const char* id = Attr(attrs, "numFmtId");
        const char* code = Attr(attrs, "formatCode");
        if (id && code && IsDateFormatCode(code)) custom_dates.insert(std::atoi(id));
      } else if (name == "cellXfs") {
        in_xfs = true;
      } else if (name == "xf" && in_xfs) {
        const char* id = Attr(attrs, "numFmtId");
        int f = id ? std::atoi(id) : 0;
        date_style.push_back(IsDateFormatId(f) || custom_dates.count(f));
      }
    };
    h.end = [&](std::string_view name) {
      if (name == "cellXfs") in_xfs = false;
    };
    if (Status st = ParseXml(*styles, "xl/styles.xml", &h); !st.ok()) return st;
  }

  auto sheet = zip.Read(sheet_part);
  if (!sheet) return Status(ErrorCode::kParse, fmt::format("{} has no worksheet {}", path, sheet_part));
  Table table;
  std::vector<std::string> row;
  uint64_t row_number = 0;
  int col = -1, next_col = 0;
  std::string type, value;
  int style = -1;
  bool in_value = false, in_row = false;
  Status error;
  XmlHandlers h;
  h.start = [&](std::string_view name, const char** attrs) {
    if (name == "row") {
      in_row = true;
      row.clear();
      next_col = 0;
      const char* r = Attr(attrs, "r");
      row_number = r ? std::strtoull(r, nullptr, 10) : row_number + 1;
    } else if (name == "c" && in_row) {
      col = ColumnOfRef(Attr(attrs, "r"));
      if (col < 0) col = next_col;
      next_col = col + 1;
      const char* t = Attr(attrs, "t");
      type = t ? t : "n";
      const char* s = Attr(attrs, "s");
      style = s ? std::atoi(s) : -1;
      value.clear();
    } else if (name == "v" || name == "t") {
      in_value = true;
    }
  };
  h.text = [&](std::string_view s) {
    if (in_value) value.append(s);
  };
  h.end = [&](std::string_view name) {
    if (name == "v" || name == "t") {
      in_value = false;
    } else if (name == "c" && in_row) {
      std::string cell;
      if (type == "s") {
        size_t k = std::strtoull(value.c_str(), nullptr, 10);
        if (k < shared.size()) cell = shared[k];
        else if (error.ok()) error = Status(ErrorCode::kParse, fmt::format("{}: row {}: shared string {} is missing", path, row_number, value));
      } else if (type == "n" && style >= 0 && static_cast<size_t>(style) < date_style.size() && date_style[style] &&
                 !value.empty()) {
        // Serial day in the 1900 system: day 25569 is 1970-01-01.
        double serial = std::strtod(value.c_str(), nullptr);
        CivilDate d = CivilFromDays(static_cast<int64_t>(std::floor(serial)) - 25569);
        cell = fmt::format("{:04}-{:02}-{:02}", d.year, d.month, d.day);
      } else if (type == "b") {
        cell = value == "1" ? "TRUE" : "FALSE";
      } else {
        cell = value;  // numbers as written, inline and formula strings, ISO dates (t="d")
        if (type == "d" && cell.size() > 10) cell.resize(10);
      }
      if (row.size() <= static_cast<size_t>(col)) row.resize(static_cast<size_t>(col) + 1);
      row[static_cast<size_t>(col)] = std::move(cell);
    } else if (name == "row") {
      in_row = false;
      while (!row.empty() && row.back().empty()) row.pop_back();
      if (row.empty()) return;  // a formatted but empty row
      table.rows.push_back(row);
      table.lines.push_back(row_number);
      table.offsets.push_back(0);
    }
  };
  if (Status st = ParseXml(*sheet, sheet_part, &h); !st.ok()) return st;
  if (!error.ok()) return error;
  // Rows shorter than the header (trailing empty cells) are padded to it.
  if (!table.rows.empty())
    for (auto& r : table.rows)
      if (r.size() < table.rows[0].size()) r.resize(table.rows[0].size());
  return table;
}

}  // namespace coopscope::hr
