// Turns one OpenAlex work object (any shape since 2022: host_venue or
// primary_location; raw_affiliation_string(s); affiliations[]; with or
// without authorships[].countries and institutions[].lineage) into a Work.
// One WorkParser per thread; Parse reuses the Work's buffers.
#pragma once

#include <simdjson.h>

#include "io/status.h"
#include "model/work.h"

namespace coopscope {

class WorkParser {
 public:
  // Fills *work.  A record that is not a usable work (no W id, no
  // publication_year, wrong types) returns an error naming the field.
  Status Parse(simdjson::ondemand::object& obj, Work* work);

 private:
  Status ParseAuthorship(simdjson::ondemand::object& obj, Work* work);
  Status ParseInstitution(simdjson::ondemand::object& obj, Work* work);
  std::vector<OpenAlexId> affiliation_ids_;
};

}  // namespace coopscope
