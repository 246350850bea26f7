// HAL API JSON → RawWork records.  Reads a Solr response
// ({"response":{"numFound":…,"docs":[…]}}) or a JSON array of documents.
// Fields: halId_s (id), doiId_s, producedDateY_i /
// publicationDateY_i / producedDate_s (year), authFullName_s (authors), and
// the structures: labStructName_s with labStructCountry_s, instStructName_s
// with instStructCountry_s (the name and country lists are parallel; the
// acronym lists are not, Solr leaves out missing acronyms).  Countries are
// lower-case ISO2 and are taken as stated.  A CNRS tutelle (an institution
// acronym holding the word CNRS — "CNRS", "INSU - CNRS" — or the name
// "Centre National de la Recherche Scientifique") becomes a CNRS structure.
// country_s is the country of a conference, not an affiliation: ignored.
// HAL does not say here which author belongs to which structure: every
// author is given every structure.
// Rejected: a document that is not an object, without halId_s, or without year.
#pragma once

#include <string_view>

#include "sources/export_reader.h"

namespace coopscope {

void ReadHalJson(std::string_view text, uint64_t base_offset, ExportSink* sink);

}  // namespace coopscope
