#include "sources/scopus/scopus_reader.h"

#include <fmt/format.h>

#include "io/csv_view.h"

namespace coopscope {
namespace {

constexpr std::string_view kNoAffiliation = "[No affiliation available]";
constexpr std::string_view kEidPrefix = "2-s2.0-";

std::string_view EidOf(std::string_view link) {
  size_t p = link.find("eid=");
  if (p == std::string_view::npos) return {};
  std::string_view e = link.substr(p + 4);
  return e.substr(0, e.find('&'));
}

}  // namespace

std::string_view ScopusFirstAuthor(std::string_view authors) {
  authors = TrimSpaces(authors);
  if (authors.empty() || authors.starts_with("[No author")) return {};
  // "Surname1, I.; Surname2, J." (newer exports) or "Surname1, I., Surname2, J.".
  size_t semi = authors.find(';');
  if (semi != std::string_view::npos) return TrimSpaces(authors.substr(0, semi));
  size_t c1 = authors.find(", ");
  size_t c2 = c1 == std::string_view::npos ? c1 : authors.find(", ", c1 + 2);
  return TrimSpaces(authors.substr(0, c2));
}

void AddScopusAffiliations(std::string_view affiliations, std::string_view with, RawWork* w) {
  const uint32_t first = static_cast<uint32_t>(w->addresses.size());
  ForEachListItem(affiliations, [&](std::string_view a) {
    if (a != kNoAffiliation) w->AddAddress(a);
  });
  const uint32_t last = static_cast<uint32_t>(w->addresses.size());
  if (with.empty()) return;
  uint32_t author = 0;
  ForEachListItem(with, [&](std::string_view chunk) {
    // "Surname, I., rest": the name is the first two comma-separated parts.
    size_t c1 = chunk.find(", ");
    size_t c2 = c1 == std::string_view::npos ? c1 : chunk.find(", ", c1 + 2);
    std::string_view rest = c2 == std::string_view::npos ? std::string_view() : chunk.substr(c2 + 2);
    bool linked = false;
    for (uint32_t a = first; a < last && !rest.empty(); ++a)
      if (rest.find(w->AddressText(w->addresses[a])) != std::string_view::npos) {
        w->links.emplace_back(author, a);
        linked = true;
      }
    if (!linked && !rest.empty() && rest != kNoAffiliation) w->links.emplace_back(author, w->AddAddress(rest));
    ++author;
  });
  if (author > w->authors) w->authors = author;
}

void ReadScopusCsv(std::string_view text, uint64_t base, ExportSink* sink) {
  CsvView reader(text, ',');
  std::vector<std::string> fields;
  size_t count = 0;
  Status st;
  if (!reader.Next(&fields, &count, &st)) {
    if (!st.ok()) sink->Reject(RecordPos{1, base}, st.message());
    return;
  }
  auto col = [&](std::string_view name) {
    for (size_t i = 0; i < count; ++i)
      if (TrimSpaces(fields[i]) == name) return static_cast<int>(i);
    return -1;
  };
  const int c_authors = col("Authors"), c_ids = col("Author(s) ID"), c_year = col("Year"), c_doi = col("DOI"),
            c_link = col("Link"), c_aff = col("Affiliations"), c_with = col("Authors with affiliations"),
            c_eid = col("EID"), c_title = col("Title"), c_source = col("Source title");
  const size_t columns = count;
  if (c_year < 0) {
    sink->Reject(RecordPos{1, base}, "Scopus CSV header without a Year column");
    return;
  }
  int needed = std::max({c_authors, c_ids, c_year, c_doi, c_link, c_aff, c_with});
  RawWork w;
  for (;;) {
    bool got = reader.Next(&fields, &count, &st);
    RecordPos pos{reader.line(), base + reader.offset()};
    if (!got) {
      if (!st.ok()) sink->Reject(pos, st.message());
      return;
    }
    if (count == 1 && TrimSpaces(fields[0]).empty()) continue;  // blank line
    if (static_cast<int>(count) <= needed) {
      sink->Reject(pos, fmt::format("{} fields where the header has {}", count, columns));
      continue;
    }
    auto get = [&](int c) {
      return c < 0 || c >= static_cast<int>(count) ? std::string_view() : std::string_view(fields[c]);
    };
    w.clear();
    w.year = FindYear(get(c_year));
    w.doi = NormalizeDoi(get(c_doi));
    std::string_view eid = get(c_eid);
    if (!eid.starts_with(kEidPrefix)) eid = EidOf(get(c_link));
    if (!eid.starts_with(kEidPrefix) && fields[count - 1].starts_with(kEidPrefix)) eid = fields[count - 1];
    w.source_id.assign(eid.starts_with(kEidPrefix) ? eid : std::string_view());
    // Authors: the ids list is the most reliable count ("id;id;…;").
    uint32_t authors = 0;
    if (c_ids >= 0) ForEachListItem(get(c_ids), [&](std::string_view) { ++authors; });
    if (authors == 0 && c_authors >= 0) {
      std::string_view a = TrimSpaces(get(c_authors));
      if (!a.empty() && a != "[No author name available]") {
        authors = 1;
        for (size_t p = a.find(", "); p != std::string_view::npos; p = a.find(", ", p + 2)) ++authors;
      }
    }
    w.authors = authors;
    w.title.assign(TrimSpaces(get(c_title)));
    w.journal.assign(TrimSpaces(get(c_source)));
    w.first_author.assign(ScopusFirstAuthor(get(c_authors)));
    AddScopusAffiliations(get(c_aff), get(c_with), &w);
    sink->DeliverIfComplete(w, pos, reader.record(), "Year", "EID and no DOI");
  }
}

}  // namespace coopscope
