// Merging sources: the records of OpenAlex, Web of Science, Scopus, HAL and
// BibTeX exports that describe the same publication become one cluster.
//
// Rules, applied in this order (docs/merge.md):
//   id     the same record id of the same source (one WoS record in a tagged
//          and a BibTeX export, a Scopus EID in two files);
//   doi    the same normalised DOI;
//   title  the same normalised title + the same year + the same first-author
//          surname (records with a title under kMinTitleChars folded
//          characters, no year or no first author are not matched so),
//          except when it would put in one cluster two records of one
//          source with different ids and different full dates (a talk given
//          at two conferences, HAL), even through a third record.
// Links are unioned (union-find), so matching is transitive.  Each field of
// a cluster takes the value of the member whose source comes first in the
// precedence for that field (ties: the canonical record order), and says
// which record gave it; a field whose members disagree (compared in folded
// form) is a conflict.  Records are sorted into a canonical order (source
// precedence, source, id, file, line, offset) before anything else, so the
// clusters, values and counts do not depend on the order inputs are given.
//
// Pure functions over values; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/json_records.h"
#include "io/limits.h"
#include "io/reject.h"
#include "io/status.h"
#include "model/raw_work.h"
#include "sources/export_reader.h"

namespace coopscope {

// Shortest folded title the title rule accepts ("editorial" and the like are
// too common to identify a paper, even with a year and an author).
inline constexpr size_t kMinTitleChars = 12;

// One record of one source, with its match keys.
struct MergeRecord {
  std::string source;     // "openalex", "wos", "scopus", "hal", "bibtex"
  std::string source_id;  // as the reader gave it
  std::string file;
  uint64_t line = 0, offset = 0;
  std::string doi;
  int32_t year = 0;
  std::string title, first_author, journal;
  uint32_t authors = 0;
  std::string date;  // "YYYY-MM-DD" when known, else ""
  // Keys (filled by MakeMergeRecord).
  std::string id_key;     // "wos:WOS:000509558500009"; "" when the id is only a BibTeX key
  std::string title_key;  // NormalizeTitle(title)
  std::string surname;    // FirstAuthorSurname(first_author)
};

// The source a record comes from: its format, and for BibTeX its id
// ("ISI:…"/"WOS:…" → wos, "2-s2.0-…" → scopus, "hal-…" → hal, else bibtex).
std::string SourceName(InputFormat format, std::string_view source_id);

// Title folded for matching: TeX accents and commands and HTML tags removed,
// then lower case, accents folded, punctuation as spaces, spaces collapsed
// (registry's NormalizeName).
std::string NormalizeTitle(std::string_view title);

// The folded last word of the first author's surname: "Ni Dhubhain, Aine" and
// "Aine Ni Dhubhain" → "dhubhain"; "J.M. Lescot", "Lescot JM" → "lescot";
// "" when none.
std::string FirstAuthorSurname(std::string_view name);

MergeRecord MakeMergeRecord(const RawWork& w, std::string source, std::string file, uint64_t line, uint64_t offset);

// Reads every input into records: a folder is OpenAlex (a snapshot or work
// files), a file is read in the format detected from its content (OpenAlex
// works, WoS, Scopus, BibTeX, HAL).  Bad records go to rejects and counts
// (counts->records = accepted + rejected); the Status is an error when an
// input cannot be read or its format is unknown.
Status ReadMergeInputs(const std::vector<std::string>& inputs, const Limits& limits, std::vector<MergeRecord>* records,
                       RejectLog* rejects, ReadCounts* counts);

enum class MergeField : uint8_t { kDoi, kTitle, kYear, kFirstAuthor, kJournal, kAuthors };
inline constexpr size_t kMergeFields = 6;
std::string_view MergeFieldName(MergeField f);
// The field's value of a record as text ("" when absent), and its folded
// form, which conflicts compare.
std::string FieldText(const MergeRecord& r, MergeField f);
std::string FieldKey(const MergeRecord& r, MergeField f);

// Source precedence, global and per field.
struct Precedence {
  std::vector<std::string> order = {"openalex", "wos", "scopus", "hal", "bibtex"};
  std::array<std::vector<std::string>, kMergeFields> per_field;  // empty: `order`
  // Position of source for field f; sources not listed come after, all equal.
  size_t Rank(MergeField f, std::string_view source) const;
};
// Each spec is "openalex,wos,scopus,hal" (the global order) or
// "FIELD=hal,wos" (one field: doi, title, year, first_author, journal, authors).
Result<Precedence> ParsePrecedence(const std::vector<std::string>& specs);

enum MergeRule : uint8_t { kRuleId = 1, kRuleDoi = 2, kRuleTitle = 4 };

struct MergeCluster {
  std::vector<uint32_t> members;  // indices into MergeResult::records, ascending
  uint8_t rules = 0;              // MergeRule bits of the links that joined its members
  std::array<int32_t, kMergeFields> from{};  // the record giving each field; -1: none has it
  uint32_t conflicts = 0;                    // bit (1 << field) when members disagree
};

struct MergeStats {
  uint64_t records = 0, clusters = 0, singletons = 0, merged_clusters = 0, merged_records = 0;
  uint64_t cross_source = 0;                 // clusters holding at least two sources
  uint64_t links_id = 0, links_doi = 0, links_title = 0;  // unions that joined two components
  uint64_t title_links_refused = 0;  // title links between two components TitleLinkAllowed keeps apart
  std::map<uint8_t, uint64_t> clusters_by_rules;          // merged clusters by MergeRule bits
  std::map<std::string, uint64_t> records_by_source;
  std::map<std::string, uint64_t> clusters_by_sources;  // merged clusters by "hal+scopus+wos"
  std::array<uint64_t, kMergeFields> conflicts{};
};

struct MergeResult {
  std::vector<MergeRecord> records;    // canonical order
  std::vector<MergeCluster> clusters;  // ordered by their first member
  MergeStats stats;
};

// Whether the title rule may link a and b, whose title keys are equal.
bool TitleLinkAllowed(const MergeRecord& a, const MergeRecord& b);

MergeResult MergeRecords(std::vector<MergeRecord> records, const Precedence& precedence);

// "id+doi+title" of MergeRule bits.
std::string RuleNames(uint8_t rules);
// "hal+scopus+wos": the distinct sources of a cluster, sorted.
std::string ClusterSources(const MergeResult& result, const MergeCluster& c);

}  // namespace coopscope
