// One synthetic OpenAlex work as one JSON line.  A work is a pure function of
// (seed, index): its structure (authors, institutions, countries) comes from
// one random stream and its bulk (title, abstract, references, topics) from
// another, so a duplicate written in the 2022 format keeps the same authors
// and institutions as its newer version.  A WorkWriter holds scratch buffers:
// one per thread; the Universe it reads is shared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "synth/random.h"
#include "synth/universe.h"

namespace coopscope::synth {

struct WorkConfig {
  uint64_t seed = 42;
  double cnrs_share = 0.15;
  int first_year = 2015, last_year = 2024;
};

// How one copy of a work is written.
struct WorkVersion {
  int64_t updated_day = 0;     // days since 1970-01-01
  int64_t updated_micros = 0;  // time of day, microseconds
  bool format_2022 = false;    // host_venue, no lineage, no countries, singular raw string
  bool older = false;          // an older copy of a duplicated work
};

class WorkWriter {
 public:
  WorkWriter(const Universe& universe, const WorkConfig& config);

  // Appends the JSON line (with its '\n') of work `index`.
  void Append(uint64_t index, const WorkVersion& version, std::string* out);

  // The OpenAlex work number of work `index` (unique per index).
  static uint64_t WorkNumber(uint64_t index, uint64_t seed);

 private:
  // kEmpty: institutions [] with unmatched raw strings; kBare: no affiliation
  // at all; kAffiliationsOnly: institutions [] but affiliations[].institution_ids.
  enum class Kind : uint8_t { kNormal, kEmpty, kBare, kAffiliationsOnly };
  static constexpr int kMaxOrgsPerAuthor = 3;
  struct Author {
    uint64_t id = 0;
    uint32_t orgs[kMaxOrgsPerAuthor] = {};
    uint8_t org_count = 0;
    Kind kind = Kind::kNormal;
    bool corresponding = false;
    bool initial_only = false;  // raw_author_name "J. Smith"
    NameRegion region = NameRegion::kAnglo;
    uint16_t given = 0, family = 0;
    uint64_t orcid = 0;                          // 0 = none
    uint8_t department[kMaxOrgsPerAuthor] = {};  // 0 = none, else Departments()[d - 1]
  };

  void Plan(uint64_t index);
  void PlanSites(Rng& rng, int author_count);
  void PlanAuthors(Rng& rng, int author_count);
  bool AddSite(uint32_t org);

  void WriteCurrent(uint64_t index, const WorkVersion& version, Rng& text, std::string* out);
  void Write2022(uint64_t index, const WorkVersion& version, Rng& text, std::string* out);
  void WriteHead(uint64_t index, Rng& text, std::string* out);
  void WriteAuthorCurrent(size_t a, std::string* out);
  void WriteAuthor2022(size_t a, std::string* out);
  void WriteAuthorName(const Author& author, std::string* out);
  void WriteRawAffiliation(const Author& author, int k, std::string* out);
  void WriteConcepts(Rng& text, std::string* out);
  void WriteTopics(Rng& text, std::string* out);
  void WriteWorkList(Rng& text, int count, std::string* out);
  void WriteAbstract(Rng& text, std::string* out);
  void WriteCountsByYear(int cited, std::string* out);
  void WriteSource(bool format_2022, std::string* out);
  void AppendCreatedDate(std::string* out) const;  // and closes the record

  const Universe& universe_;
  WorkConfig config_;
  WeightedTable years_;
  int fr_pool_ = -1;

  // The plan of the current work.
  uint64_t number_ = 0;
  int year_ = 0;
  unsigned month_ = 1, day_ = 1;
  bool cnrs_ = false;
  bool oa_ = false;
  int cited_ = 0;
  uint32_t journal_ = 0;
  std::vector<uint32_t> pools_;  // countries of the work (pool indices), lead first
  std::vector<uint32_t> sites_;  // distinct org indices
  std::vector<Author> authors_;
  std::vector<uint32_t> site_of_;

  // Scratch.
  std::string title_, doi_, location_;
  std::vector<std::vector<uint16_t>> word_positions_;
  std::vector<uint16_t> words_seen_;
  std::vector<uint32_t> distinct_;
};

}  // namespace coopscope::synth
