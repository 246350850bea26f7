#include "merge/merge.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "registry/registry.h"
#include "sources/openalex/biblio_reader.h"
#include "sources/openalex/snapshot.h"

namespace coopscope {
namespace {

constexpr std::string_view kFieldNames[kMergeFields] = {"doi", "title", "year", "first_author", "journal", "authors"};

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Removes TeX accent commands (\'e, \"{o}, \c{c}), other TeX commands
// (\textit, \emph) keeping their argument, braces, HTML tags (<i>, </sub>)
// and the entities &amp; &lt; &gt; &quot;.
std::string StripMarkup(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      size_t j = i + 1;
      if (IsAsciiLetter(s[j])) {
        while (j < s.size() && IsAsciiLetter(s[j])) ++j;
        if (j < s.size() && s[j] == ' ') ++j;  // "\c c"
      } else {
        ++j;  // \' \" \^ \` \~ \= \. \&
        if (s[i + 1] == '&') out.push_back('&');
      }
      i = j;
    } else if (c == '{' || c == '}' || c == '$') {
      ++i;
    } else if (c == '<') {
      size_t close = s.find('>', i);
      std::string_view tag = close == std::string_view::npos ? std::string_view() : s.substr(i + 1, close - i - 1);
      bool is_tag = !tag.empty() && tag.size() <= 12 && (IsAsciiLetter(tag[0]) || tag[0] == '/') &&
                    tag.find(' ') == std::string_view::npos;
      if (is_tag) {
        out.push_back(' ');
        i = close + 1;
      } else {
        out.push_back(c);
        ++i;
      }
    } else if (c == '&') {
      static constexpr std::pair<std::string_view, char> kEntities[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
      bool done = false;
      for (auto [name, ch] : kEntities)
        if (s.substr(i).starts_with(name)) {
          out.push_back(ch);
          i += name.size();
          done = true;
          break;
        }
      if (!done) {
        out.push_back(c);
        ++i;
      }
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

// A word that is only initials: "J.M.", "JM", "M", "J.-M.".
bool IsInitials(std::string_view w) {
  if (w.empty()) return true;
  if (w.back() == '.') return true;
  size_t letters = 0;
  for (char c : w) {
    if (c >= 'a' && c <= 'z') return false;
    if (IsAsciiLetter(c)) ++letters;
  }
  return letters <= 2;
}

std::string LastToken(const std::string& folded) {
  size_t sp = folded.rfind(' ');
  return sp == std::string::npos ? folded : folded.substr(sp + 1);
}

// Union-find with path halving; the smaller index becomes the root so that
// roots do not depend on the order of unions.
struct UnionFind {
  std::vector<uint32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  bool Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    if (b < a) std::swap(a, b);
    parent[b] = a;
    return true;
  }
};

}  // namespace

std::string SourceName(InputFormat format, std::string_view id) {
  switch (format) {
    case InputFormat::kOpenAlex:
      return "openalex";
    case InputFormat::kWosTagged:
    case InputFormat::kWosTab:
      return "wos";
    case InputFormat::kScopusCsv:
      return "scopus";
    case InputFormat::kHal:
      return "hal";
    case InputFormat::kBibtex:
    case InputFormat::kAuto:
      break;
  }
  if (id.starts_with("ISI:") || id.starts_with("WOS:")) return "wos";
  if (id.starts_with("2-s2.0-")) return "scopus";
  if (id.starts_with("hal-")) return "hal";
  return "bibtex";
}

std::string NormalizeTitle(std::string_view title) { return NormalizeName(StripMarkup(title)); }

std::string FirstAuthorSurname(std::string_view name) {
  std::string clean = StripMarkup(name);
  std::string_view s = TrimSpaces(clean);
  size_t comma = s.find(',');
  std::string_view surname;
  if (comma != std::string_view::npos) {
    surname = s.substr(0, comma);
  } else {
    // "Given Surname" or "Surname INITIALS": the last word that is not initials.
    std::vector<std::string_view> words;
    for (size_t p = 0; p < s.size();) {
      size_t e = s.find(' ', p);
      if (e == std::string_view::npos) e = s.size();
      if (e > p) words.push_back(s.substr(p, e - p));
      p = e + 1;
    }
    for (auto it = words.rbegin(); it != words.rend() && surname.empty(); ++it)
      if (!IsInitials(*it)) surname = *it;
    if (surname.empty() && !words.empty()) surname = words.front();
  }
  return LastToken(NormalizeName(surname));
}

MergeRecord MakeMergeRecord(const RawWork& w, std::string source, std::string file, uint64_t line, uint64_t offset) {
  MergeRecord r;
  r.source = std::move(source);
  r.source_id = w.source_id;
  r.file = std::move(file);
  r.line = line;
  r.offset = offset;
  r.doi = w.doi;
  r.year = w.year;
  r.title = std::string(TrimSpaces(w.title));
  r.first_author = std::string(TrimSpaces(w.first_author));
  r.journal = std::string(TrimSpaces(w.journal));
  r.authors = w.authors;
  if (w.date.size() == 10) r.date = w.date;
  if (!w.source_id.empty() && !w.source_id.starts_with("bibtex:")) {
    std::string_view id = w.source_id;
    // WoS BibTeX names the accession number "ISI:…", the other exports "WOS:…".
    r.id_key = id.starts_with("ISI:") ? fmt::format("{}:WOS:{}", r.source, id.substr(4))
                                      : fmt::format("{}:{}", r.source, id);
  }
  r.title_key = NormalizeTitle(r.title);
  r.surname = FirstAuthorSurname(r.first_author);
  return r;
}

Status ReadMergeInputs(const std::vector<std::string>& inputs, const Limits& limits, std::vector<MergeRecord>* records,
                       RejectLog* rejects, ReadCounts* counts) {
  for (const std::string& input : inputs) {
    std::vector<std::pair<std::string, InputFormat>> files;
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      auto set = DiscoverInputs({input});
      if (!set.ok()) return set.status();
      for (const std::string& f : set.value().data_files) files.emplace_back(f, InputFormat::kOpenAlex);
    } else {
      auto detected = DetectInputFormat(input);
      if (!detected.ok()) return detected.status();
      if (detected.value() == InputFormat::kAuto)
        return Status(ErrorCode::kParse, fmt::format("{}: not a format coopscope merge knows", input));
      files.emplace_back(input, detected.value());
    }
    for (const auto& [path, format] : files) {
      std::vector<Reject> file_rejects;
      RawRecordFn fn = [&, format = format, path = path](const RawWork& w, const RecordPos& pos) -> Status {
        records->push_back(MakeMergeRecord(w, SourceName(format, w.source_id), path, pos.line, pos.offset));
        return Status::Ok();
      };
      Status st = format == InputFormat::kOpenAlex ? ReadOpenAlexBiblioFile(path, limits, fn, &file_rejects, counts)
                                                   : ReadExportFile(path, format, limits, fn, &file_rejects, counts);
      if (!st.ok()) return st;
      for (auto& r : file_rejects) rejects->Add(std::move(r));
    }
  }
  return Status::Ok();
}

std::string_view MergeFieldName(MergeField f) { return kFieldNames[static_cast<size_t>(f)]; }

std::string FieldText(const MergeRecord& r, MergeField f) {
  switch (f) {
    case MergeField::kDoi:
      return r.doi;
    case MergeField::kTitle:
      return r.title;
    case MergeField::kYear:
      return r.year ? std::to_string(r.year) : "";
    case MergeField::kFirstAuthor:
      return r.first_author;
    case MergeField::kJournal:
      return r.journal;
    case MergeField::kAuthors:
      return r.authors ? std::to_string(r.authors) : "";
  }
  return "";
}

std::string FieldKey(const MergeRecord& r, MergeField f) {
  switch (f) {
    case MergeField::kTitle:
      return r.title_key;
    case MergeField::kFirstAuthor:
      return r.surname;
    case MergeField::kJournal:
      return NormalizeTitle(r.journal);
    default:
      return FieldText(r, f);
  }
}

size_t Precedence::Rank(MergeField f, std::string_view source) const {
  const auto& list = per_field[static_cast<size_t>(f)].empty() ? order : per_field[static_cast<size_t>(f)];
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i] == source) return i;
  return list.size();
}

Result<Precedence> ParsePrecedence(const std::vector<std::string>& specs) {
  Precedence p;
  auto split = [](std::string_view s) {
    std::vector<std::string> out;
    for (size_t b = 0; b <= s.size();) {
      size_t e = s.find(',', b);
      if (e == std::string_view::npos) e = s.size();
      std::string_view part = TrimSpaces(s.substr(b, e - b));
      if (!part.empty()) out.emplace_back(part);
      b = e + 1;
    }
    return out;
  };
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    std::vector<std::string> list = split(eq == std::string::npos ? std::string_view(spec)
                                                                  : std::string_view(spec).substr(eq + 1));
    if (list.empty()) return Status(ErrorCode::kInvalidArgument, fmt::format("--precedence '{}' names no source", spec));
    if (eq == std::string::npos) {
      p.order = std::move(list);
      continue;
    }
    std::string_view field = TrimSpaces(std::string_view(spec).substr(0, eq));
    size_t f = 0;
    while (f < kMergeFields && kFieldNames[f] != field) ++f;
    if (f == kMergeFields)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("--precedence '{}': unknown field '{}' (doi, title, year, first_author, journal, authors)",
                                spec, field));
    p.per_field[f] = std::move(list);
  }
  return p;
}

bool TitleLinkAllowed(const MergeRecord& a, const MergeRecord& b) {
  const bool two_deposits = a.source == b.source && !a.id_key.empty() && !b.id_key.empty() && a.id_key != b.id_key;
  return !(two_deposits && !a.date.empty() && !b.date.empty() && a.date != b.date);
}

MergeResult MergeRecords(std::vector<MergeRecord> records, const Precedence& precedence) {
  MergeResult out;
  // The canonical order: independent of the order the records came in.
  std::sort(records.begin(), records.end(), [&](const MergeRecord& a, const MergeRecord& b) {
    auto key = [&](const MergeRecord& r) {
      size_t rank = 0;
      while (rank < precedence.order.size() && precedence.order[rank] != r.source) ++rank;
      return std::make_tuple(rank, std::string_view(r.source), std::string_view(r.source_id),
                             std::string_view(r.file), r.line, r.offset);
    };
    return key(a) < key(b);
  });
  const uint32_t n = static_cast<uint32_t>(records.size());
  UnionFind uf(n);
  std::vector<uint8_t> rules(n, 0);  // rule bits of the links met, by record
  auto link_by = [&](uint8_t rule, auto key_of, uint64_t* effective) {
    std::unordered_map<std::string, uint32_t> first;
    first.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      std::string key = key_of(records[i]);
      if (key.empty()) continue;
      auto [it, fresh] = first.try_emplace(std::move(key), i);
      if (fresh) continue;
      if (uf.Union(it->second, i)) ++*effective;
      rules[it->second] |= rule;
      rules[i] |= rule;
    }
  };
  MergeStats& st = out.stats;
  link_by(kRuleId, [](const MergeRecord& r) { return r.id_key; }, &st.links_id);
  link_by(kRuleDoi, [](const MergeRecord& r) { return r.doi; }, &st.links_doi);
  // The title rule links pairs within a block (same title, year, surname),
  // blocks in key order and pairs in canonical order — a fixed order, since
  // the records are sorted — and never joins two components holding two
  // records TitleLinkAllowed keeps apart, even through a third record.
  {
    std::map<std::string, std::vector<uint32_t>> blocks;
    for (uint32_t i = 0; i < n; ++i) {
      const MergeRecord& r = records[i];
      if (r.title_key.size() < kMinTitleChars || r.year == 0 || r.surname.empty()) continue;
      blocks[fmt::format("{}\x1f{}\x1f{}", r.title_key, r.year, r.surname)].push_back(i);
    }
    std::unordered_map<uint32_t, std::vector<uint32_t>> members;  // root → its records
    for (uint32_t i = 0; i < n; ++i) members[uf.Find(i)].push_back(i);
    auto members_of = [&](uint32_t root) -> std::vector<uint32_t>& { return members[root]; };
    for (const auto& [key, block] : blocks) {
      if (block.size() < 2) continue;
      for (size_t x = 0; x < block.size(); ++x)
        for (size_t y = x + 1; y < block.size(); ++y) {
          const uint32_t a = block[x], b = block[y];
          const uint32_t ra = uf.Find(a), rb = uf.Find(b);
          if (ra == rb) {
            rules[a] |= kRuleTitle;
            rules[b] |= kRuleTitle;
            continue;
          }
          std::vector<uint32_t>& ma = members_of(ra);
          std::vector<uint32_t>& mb = members_of(rb);
          bool allowed = true;
          for (uint32_t p : ma)
            for (uint32_t q : mb) allowed = allowed && TitleLinkAllowed(records[p], records[q]);
          if (!allowed) {
            ++st.title_links_refused;
            continue;
          }
          std::vector<uint32_t> joined = std::move(ma);
          joined.insert(joined.end(), mb.begin(), mb.end());
          members.erase(ra);
          members.erase(rb);
          uf.Union(a, b);
          members[uf.Find(a)] = std::move(joined);
          ++st.links_title;
          rules[a] |= kRuleTitle;
          rules[b] |= kRuleTitle;
        }
    }
  }
  // Clusters, in the order of their first (= root) member.
  std::vector<int32_t> cluster_of_root(n, -1);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t root = uf.Find(i);
    if (cluster_of_root[root] < 0) {
      cluster_of_root[root] = static_cast<int32_t>(out.clusters.size());
      out.clusters.emplace_back();
    }
    MergeCluster& c = out.clusters[cluster_of_root[root]];
    c.members.push_back(i);
  }
  // A record carries a rule bit when one of its links used that rule; in a
  // cluster of one, those links were to itself only (none).
  for (MergeCluster& c : out.clusters) {
    if (c.members.size() > 1)
      for (uint32_t m : c.members) c.rules |= rules[m];
    for (size_t f = 0; f < kMergeFields; ++f) {
      const MergeField field = static_cast<MergeField>(f);
      int32_t best = -1;
      size_t best_rank = 0;
      std::set<std::string> keys;
      for (uint32_t m : c.members) {
        std::string key = FieldKey(records[m], field);
        if (key.empty()) continue;
        keys.insert(std::move(key));
        size_t rank = precedence.Rank(field, records[m].source);
        if (best < 0 || rank < best_rank) {
          best = static_cast<int32_t>(m);
          best_rank = rank;
        }
      }
      c.from[f] = best;
      if (keys.size() > 1) {
        c.conflicts |= 1u << f;
        ++st.conflicts[f];
      }
    }
  }
  out.records = std::move(records);
  st.records = n;
  st.clusters = out.clusters.size();
  for (const MergeRecord& r : out.records) ++st.records_by_source[r.source];
  for (const MergeCluster& c : out.clusters) {
    if (c.members.size() == 1) {
      ++st.singletons;
      continue;
    }
    ++st.merged_clusters;
    st.merged_records += c.members.size();
    ++st.clusters_by_rules[c.rules];
    std::string sources = ClusterSources(out, c);
    st.cross_source += sources.find('+') != std::string::npos;
    ++st.clusters_by_sources[sources];
  }
  return out;
}

std::string RuleNames(uint8_t rules) {
  std::string out;
  for (auto [bit, name] : {std::pair<uint8_t, std::string_view>{kRuleId, "id"}, {kRuleDoi, "doi"}, {kRuleTitle, "title"}})
    if (rules & bit) out += fmt::format("{}{}", out.empty() ? "" : "+", name);
  return out;
}

std::string ClusterSources(const MergeResult& result, const MergeCluster& c) {
  std::set<std::string_view> names;
  for (uint32_t m : c.members) names.insert(result.records[m].source);
  std::string out;
  for (std::string_view s : names) out += fmt::format("{}{}", out.empty() ? "" : "+", s);
  return out;
}

}  // namespace coopscope
