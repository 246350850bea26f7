// Web of Science exports → RawWork records.
//  - Tagged plaintext ("FN Clarivate…", "PT J" … "ER", "EF"): a field is a
//    two-character tag, a space and a value; continuation lines start with
//    three spaces.  AU/AF list one author a line, C1 one address a line.
//  - Tab-delimited ("Tab-delimited (UTF-8, BOM, CRLF)"): a header row of the
//    same tags, then one record a row; C1 holds every address, "; "-separated.
// C1 comes in two styles: recent "[Luo, Zhiqing; Li, Weiming] Huazhong Univ
// Sci & Technol, …, Peoples R China" (the authors of each address are named,
// and linked to the AF list), and old upper-case "UNIV PARIS 11,INST
// OPTIQUE,F-91405 ORSAY,FRANCE." without authors (every author is then given
// every address).  In tagged files each address is one line ending with '.';
// C1 ends at a continuation line that does not (a record of the metaknowledge
// test file lacks its CR tag, its references following C1).  When C1 is
// empty the reprint address (RP) stands in.
// Year: PY, else the early-access date EA.  Rejected: a record without year,
// without UT and DOI, not closed by ER, with a line that is neither a tag nor
// a continuation, or (tab) whose field count differs from the header's.
#pragma once

#include <string_view>

#include "sources/export_reader.h"

namespace coopscope {

void ReadWosTagged(std::string_view text, uint64_t base_offset, ExportSink* sink);
void ReadWosTab(std::string_view text, uint64_t base_offset, ExportSink* sink);

// Adds one C1 entry ("[A; B] address" or "ADDRESS") to w, linking the named
// authors to their index in `authors` (full names as in AF).  Exposed for tests.
void AddWosAddress(std::string_view entry, const std::vector<std::string_view>& authors, RawWork* w);

}  // namespace coopscope
