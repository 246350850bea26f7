// Scopus CSV exports → RawWork records.  Columns read by name: Authors,
// Author(s) ID, Year, DOI, Link, Affiliations ("; "-separated addresses),
// Authors with affiliations ("Surname, I., address[, address]; …": each
// author's addresses are found among the Affiliations, which links authors
// to addresses), EID.  Real exports mix layouts (a row may carry an extra
// column after Funding Text 1, shifting the later ones): the EID is then
// taken from the Link's "eid=" or the last field that looks like one.
// Rejected: a row without year, without EID and DOI, shorter than the columns
// it needs, or an unclosed quote (the rest of the file).
#pragma once

#include <string_view>

#include "sources/export_reader.h"

namespace coopscope {

void ReadScopusCsv(std::string_view text, uint64_t base_offset, ExportSink* sink);

// Adds the "; "-separated Affiliations and links the authors of "Authors with
// affiliations" to them.  Shared with the Scopus BibTeX reader.
void AddScopusAffiliations(std::string_view affiliations, std::string_view authors_with_affiliations, RawWork* w);

// The first name of a Scopus author list: "Rocle, N." of "Rocle, N., Rey-Valette, H."
// (or of "Rocle, N.; Rey-Valette, H."); "" for "[No author name available]".
std::string_view ScopusFirstAuthor(std::string_view authors);

}  // namespace coopscope
