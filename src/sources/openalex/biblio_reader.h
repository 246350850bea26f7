// The bibliographic fields of OpenAlex works — id, DOI, title, year, first
// author, journal, number of authors — as RawWork records, for merging
// OpenAlex with other sources (src/merge).  WorkParser keeps to what the
// indicators need; this reader takes the descriptive fields instead and
// leaves the affiliations out.  Any work shape since 2022 (host_venue or
// primary_location).  Thread-safe: each call owns its parser.
#pragma once

#include <string>
#include <vector>

#include "io/json_records.h"
#include "io/limits.h"
#include "io/reject.h"
#include "io/status.h"
#include "sources/export_reader.h"

namespace coopscope {

// Fills *w from one OpenAlex work object (source_id "W…").  A record
// without a W id or a publication_year is an error naming the field.
Status ParseOpenAlexBiblio(simdjson::ondemand::object& obj, RawWork* w);

// Reads every work of an OpenAlex file (JSON Lines, API pages, arrays,
// single works; plain, .gz or .zst) and hands each accepted one to fn.
// Rejects name file, line, offset and reason; the Status is an error only
// when the file cannot be read.
Status ReadOpenAlexBiblioFile(const std::string& path, const Limits& limits, const RawRecordFn& fn,
                              std::vector<Reject>* rejects, ReadCounts* counts);

}  // namespace coopscope
