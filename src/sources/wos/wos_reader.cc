#include "sources/wos/wos_reader.h"

#include <fmt/format.h>

#include <cstring>

namespace coopscope {
namespace {

// The fields a WoS record contributes, as views into the file's text.
struct WosFields {
  std::vector<std::string_view> au, af, c1, rp, ti, so;  // ti, so: the lines of a wrapped title
  std::string_view py, ea, di, ut;
  void clear() {
    au.clear();
    af.clear();
    c1.clear();
    rp.clear();
    ti.clear();
    so.clear();
    py = ea = di = ut = {};
  }
};

// Strips the final '.' WoS puts after an address.
std::string_view AddressBody(std::string_view s) {
  s = TrimSpaces(s);
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return TrimSpaces(s);
}

// "Kim, S (reprint author), Univ Wisconsin, …, USA." → the address after the
// "(reprint author), " or "(corresponding author), " mark.
std::string_view ReprintAddress(std::string_view rp) {
  size_t p = rp.find(" author), ");
  if (p == std::string_view::npos) return {};
  return AddressBody(rp.substr(p + sizeof(" author), ") - 1));
}

// Builds the RawWork of a record from its fields; returns the reject reason,
// or "" when the record is usable.
std::string BuildRecord(const WosFields& f, RawWork* w) {
  w->clear();
  const auto& names = f.af.empty() ? f.au : f.af;
  w->authors = static_cast<uint32_t>(names.size());
  for (std::string_view entry : f.c1) AddWosAddress(entry, names, w);
  if (w->addresses.empty()) {
    // No C1: the reprint addresses, each linked to its reprint author when named.
    for (std::string_view rp : f.rp) {
      std::string_view addr = ReprintAddress(rp);
      if (addr.empty()) continue;
      uint32_t a = w->AddAddress(addr);
      std::string_view who = TrimSpaces(rp.substr(0, rp.find(" (")));
      for (uint32_t i = 0; i < f.au.size(); ++i)
        if (f.au[i] == who) w->links.emplace_back(i, a);
    }
  }
  auto join = [](const std::vector<std::string_view>& lines, std::string* out) {
    for (std::string_view l : lines) {
      if (!out->empty()) out->push_back(' ');
      out->append(TrimSpaces(l));
    }
  };
  join(f.ti, &w->title);
  join(f.so, &w->journal);
  if (!names.empty()) w->first_author.assign(names.front());
  w->source_id.assign(TrimSpaces(f.ut));
  w->doi = NormalizeDoi(f.di);
  w->year = FindYear(f.py);
  if (w->year == 0) w->year = FindYear(f.ea);
  if (w->year == 0) return "no publication year (PY, EA)";
  if (w->source_id.empty() && w->doi.empty()) return "no accession number (UT) and no DOI (DI)";
  return "";
}

bool IsTag(std::string_view line) {
  auto ok = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  return line.size() >= 2 && ok(line[0]) && ok(line[1]) && (line.size() == 2 || line[2] == ' ');
}

}  // namespace

void AddWosAddress(std::string_view entry, const std::vector<std::string_view>& authors, RawWork* w) {
  entry = TrimSpaces(entry);
  if (entry.empty()) return;
  std::string_view who;
  if (entry.front() == '[') {
    size_t close = entry.find(']');
    if (close != std::string_view::npos) {
      who = entry.substr(1, close - 1);
      entry = entry.substr(close + 1);
    }
  }
  std::string_view body = AddressBody(entry);
  if (body.empty()) return;
  uint32_t a = w->AddAddress(body);
  if (who.empty()) return;
  ForEachListItem(who, [&](std::string_view name) {
    for (uint32_t i = 0; i < authors.size(); ++i)
      if (authors[i] == name) {
        w->links.emplace_back(i, a);
        return;
      }
  });
}

void ReadWosTagged(std::string_view text, uint64_t base, ExportSink* sink) {
  WosFields f;
  RawWork w;
  bool open = false;        // inside PT … ER
  std::string bad;          // why the open record will be rejected
  RecordPos start;          // of the open record
  size_t start_at = 0;      // its first byte in text
  std::vector<std::string_view>* list = nullptr;  // the multi-line field continuing
  std::string_view* single = nullptr;
  uint64_t line_no = 0;
  size_t pos = 0;
  auto finish = [&](size_t end_at) {
    std::string_view bytes = text.substr(start_at, end_at - start_at);
    if (!bad.empty()) {
      sink->Reject(start, bad);
    } else {
      std::string why = BuildRecord(f, &w);
      if (why.empty())
        sink->Deliver(w, start, bytes);
      else
        sink->Reject(start, why);
    }
    open = false;
    bad.clear();
    f.clear();
    list = nullptr;
    single = nullptr;
  };
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    const size_t line_at = pos;
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.starts_with("   ")) {
      if (!open) continue;
      std::string_view value = TrimSpaces(line);
      // Each address is one line ending with '.'; a continuation that does
      // not is not an address (a record whose CR tag is missing continues
      // C1 with its references): the field ends there.
      if (list == &f.c1 && !value.ends_with('.')) list = nullptr;
      if (list != nullptr) list->push_back(value);
      // A continued single-valued field (a long DOI is never wrapped): nothing to add.
      continue;
    }
    if (TrimSpaces(line).empty()) {
      list = nullptr;
      continue;
    }
    if (!IsTag(line)) {
      if (open) {
        if (bad.empty()) bad = fmt::format("line {} is neither a field tag nor a continuation", line_no);
      } else {
        sink->Reject(RecordPos{line_no, base + line_at}, "text outside a record (no PT line before it)");
      }
      continue;
    }
    std::string_view tag = line.substr(0, 2);
    std::string_view value = line.size() > 3 ? line.substr(3) : std::string_view();
    if (tag == "PT") {
      if (open) {
        if (bad.empty()) bad = "record not closed by ER before the next PT";
        finish(line_at);
      }
      open = true;
      start = RecordPos{line_no, base + line_at};
      start_at = line_at;
      continue;
    }
    if (tag == "ER") {
      if (open) finish(pos);
      continue;
    }
    if (!open) continue;  // FN, VR, EF and other file-level lines
    list = nullptr;
    single = nullptr;
    if (tag == "AU") list = &f.au;
    else if (tag == "AF") list = &f.af;
    else if (tag == "C1") list = &f.c1;
    else if (tag == "RP") list = &f.rp;
    else if (tag == "TI") list = &f.ti;
    else if (tag == "SO") list = &f.so;
    else if (tag == "PY") single = &f.py;
    else if (tag == "EA") single = &f.ea;
    else if (tag == "DI") single = &f.di;
    else if (tag == "UT") single = &f.ut;
    if (list != nullptr) list->push_back(TrimSpaces(value));
    if (single != nullptr) *single = TrimSpaces(value);
  }
  if (open) {
    if (bad.empty()) bad = "record not closed by ER at the end of the file";
    finish(text.size());
  }
}

void ReadWosTab(std::string_view text, uint64_t base, ExportSink* sink) {
  size_t pos = 0;
  uint64_t line_no = 0;
  auto next_line = [&](std::string_view* line, size_t* at) {
    if (pos >= text.size()) return false;
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    *line = text.substr(pos, end - pos);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    *at = pos;
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    return true;
  };
  std::string_view header;
  size_t at = 0;
  if (!next_line(&header, &at)) return;
  std::vector<std::string_view> columns;
  for (size_t s = 0;;) {
    size_t t = header.find('\t', s);
    columns.push_back(header.substr(s, t == std::string_view::npos ? std::string_view::npos : t - s));
    if (t == std::string_view::npos) break;
    s = t + 1;
  }
  auto col = [&](std::string_view tag) {
    for (size_t i = 0; i < columns.size(); ++i)
      if (TrimSpaces(columns[i]) == tag) return static_cast<int>(i);
    return -1;
  };
  const int c_au = col("AU"), c_af = col("AF"), c_c1 = col("C1"), c_rp = col("RP"), c_py = col("PY"),
            c_ea = col("EA"), c_di = col("DI"), c_ut = col("UT"), c_ti = col("TI"), c_so = col("SO");
  if (c_ut < 0 && c_di < 0) {
    sink->Reject(RecordPos{1, base}, "tab-delimited header without UT or DI column");
    return;
  }
  std::vector<std::string_view> fields;
  WosFields f;
  RawWork w;
  std::string_view line;
  while (next_line(&line, &at)) {
    if (line.empty()) continue;
    RecordPos rp{line_no, base + at};
    fields.clear();
    for (size_t s = 0;;) {
      const char* t = static_cast<const char*>(std::memchr(line.data() + s, '\t', line.size() - s));
      if (t == nullptr) {
        fields.push_back(line.substr(s));
        break;
      }
      size_t ti = static_cast<size_t>(t - line.data());
      fields.push_back(line.substr(s, ti - s));
      s = ti + 1;
    }
    if (fields.size() != columns.size()) {
      sink->Reject(rp, fmt::format("{} tab-separated fields where the header has {}", fields.size(), columns.size()));
      continue;
    }
    f.clear();
    auto get = [&](int c) { return c < 0 ? std::string_view() : fields[c]; };
    ForEachListItem(get(c_au), [&](std::string_view n) { f.au.push_back(n); });
    ForEachListItem(get(c_af), [&](std::string_view n) { f.af.push_back(n); });
    // C1: "[A; B] addr; [C] addr" or "ADDR; ADDR": split at "; " outside brackets.
    std::string_view c1 = get(c_c1);
    for (size_t s = 0, depth = 0, i = 0; i <= c1.size(); ++i) {
      if (i == c1.size() || (c1[i] == ';' && depth == 0)) {
        std::string_view e = TrimSpaces(c1.substr(s, i - s));
        if (!e.empty()) f.c1.push_back(e);
        s = i + 1;
      } else if (c1[i] == '[') {
        ++depth;
      } else if (c1[i] == ']' && depth > 0) {
        --depth;
      }
    }
    // RP: "Name (corresponding author), Address.; Name (…), Address."
    std::string_view rps = get(c_rp);
    for (size_t s = 0; s < rps.size();) {
      size_t e = rps.find(".; ", s);
      f.rp.push_back(rps.substr(s, e == std::string_view::npos ? std::string_view::npos : e + 1 - s));
      if (e == std::string_view::npos) break;
      s = e + 3;
    }
    if (c_ti >= 0) f.ti.push_back(get(c_ti));
    if (c_so >= 0) f.so.push_back(get(c_so));
    f.py = get(c_py);
    f.ea = get(c_ea);
    f.di = get(c_di);
    f.ut = get(c_ut);
    std::string why = BuildRecord(f, &w);
    if (why.empty())
      sink->Deliver(w, rp, line);
    else
      sink->Reject(rp, why);
  }
}

}  // namespace coopscope
