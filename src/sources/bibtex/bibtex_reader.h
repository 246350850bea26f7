// BibTeX exports → RawWork records: Scopus (`affiliation={A; B}`, `author={…
// and …}`, eid in `url`), Web of Science (`Author = {…}`, `Unique-ID =
// {{ISI:…}}`, `Affiliation`/`Affiliations` when exported) and repository
// exports such as IRSTEA's (`affiliation = {A ; B}`, one entry per author, in
// author order — linked to the authors when the counts agree).  Values may be
// {braced}, "quoted" or bare; field names are case-insensitive; @comment,
// @preamble and @string blocks are skipped.
// Rejected: an entry whose braces do not close, a field without '=' or value,
// an entry without year, without key, DOI or id.
#pragma once

#include <string_view>

#include "sources/export_reader.h"

namespace coopscope {

void ReadBibtex(std::string_view text, uint64_t base_offset, ExportSink* sink);

}  // namespace coopscope
