// The work model: one bibliographic record reduced to what the indicators
// need.  A Work is a reusable buffer: readers clear() and refill it for each
// record so that the hot path allocates nothing once capacities are reached.
// Not thread-safe; each thread owns its own Work.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/country.h"
#include "model/ids.h"

namespace coopscope {

// Institution types as OpenAlex and ROR name them.
enum class InstitutionType : uint8_t {
  kUnknown = 0,
  kEducation,
  kHealthcare,
  kCompany,
  kArchive,
  kNonprofit,
  kGovernment,
  kFacility,
  kFunder,
  kOther
};
InstitutionType ParseInstitutionType(std::string_view text);
std::string_view InstitutionTypeName(InstitutionType type);

// One institution of one authorship, as the record states it.
struct InstitutionRef {
  OpenAlexId id = 0;
  RorId ror = 0;
  CountryCode country = kNoCountry;  // as stated; may be unknown
  InstitutionType type = InstitutionType::kUnknown;
  bool has_lineage = false;    // false for 2022-format records
  uint32_t lineage_begin = 0;  // range in Work::lineage
  uint32_t lineage_end = 0;
  uint32_t name_begin = 0;  // range in Work::text (display name)
  uint32_t name_end = 0;
};

struct Authorship {
  OpenAlexId author = 0;    // author.id (A…); 0 when absent (mobility uses it)
  uint32_t inst_begin = 0;  // range in Work::institutions
  uint32_t inst_end = 0;
  uint32_t country_begin = 0;  // range in Work::countries (C(a))
  uint32_t country_end = 0;
};

struct Work {
  OpenAlexId id = 0;
  int32_t year = 0;            // 0 = unknown
  int64_t updated_micros = 0;  // updated_date as microseconds since 1970; 0 = unknown
  std::string type;            // OpenAlex `type` as written ("article", "book-chapter"…); "" = unknown
  uint16_t field = 0;          // OpenAlex field of `primary_topic` ("…/fields/17" → 17); 0 = none
  uint32_t citations = 0;      // `cited_by_count`
  std::vector<Authorship> authorships;
  std::vector<InstitutionRef> institutions;
  std::vector<OpenAlexId> lineage;
  std::vector<CountryCode> countries;
  std::string text;  // arena for institution display names

  void clear() {
    id = 0;
    year = 0;
    updated_micros = 0;
    type.clear();
    field = 0;
    citations = 0;
    authorships.clear();
    institutions.clear();
    lineage.clear();
    countries.clear();
    text.clear();
  }
  std::string_view InstitutionName(const InstitutionRef& inst) const {
    return std::string_view(text).substr(inst.name_begin, inst.name_end - inst.name_begin);
  }
};

// Parses "2023-05-16T14:50:18.726146", "2023-05-16T14:50:18Z" or
// "2023-05-16" into microseconds since 1970-01-01; returns -1 if malformed.
int64_t ParseTimestampMicros(std::string_view text);

}  // namespace coopscope
