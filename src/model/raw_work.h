// A bibliographic record as an export states it, before its affiliation
// strings are resolved into countries and organisations: the common output of
// the Web of Science, Scopus, BibTeX and HAL readers (src/sources/*), turned
// into a Work by match/work_resolver.h.  A reusable buffer like Work: readers
// clear() and refill it.  Not thread-safe; each thread owns its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/country.h"
#include "model/ids.h"

namespace coopscope {

// One address (affiliation) of the record.  Free text (WoS C1, Scopus
// Affiliations, BibTeX affiliation) has only `text`; a HAL structure also
// states its country, and whether it is a CNRS unit (a HAL tutelle).
struct RawAddress {
  uint32_t text_begin = 0, text_end = 0;  // in RawWork::text: the raw string, kept as written
  CountryCode country = kNoCountry;       // stated by the source (HAL), else unknown
  bool structured = false;                // a named structure (HAL), not an address to parse
  bool cnrs = false;                      // the source says CNRS is a tutelle of this structure
};

struct RawWork {
  std::string source_id;  // "WOS:000086967200001", "2-s2.0-27344436659", "hal-02610329", a BibTeX key
  std::string doi;        // lower case, without "https://doi.org/"; "" when absent
  int32_t year = 0;       // 0 = unknown
  uint32_t authors = 0;   // N(w): the authors listed
  // What merging sources matches on and reports (src/merge), as written.
  std::string title;         // "" when absent
  std::string first_author;  // "Braun, Mathias", "J.M. Lescot", "Rocle, N."; "" when absent
  std::string journal;       // journal or proceedings title; "" when absent
  std::string date;          // "2017-06-20" when the source gives the full date (HAL), else ""
  std::vector<RawAddress> addresses;
  // (author index, address index).  Empty: the source does not say who is
  // where, and every author is given every address (the institutions are
  // then shared equally in fractional counting).
  std::vector<std::pair<uint32_t, uint32_t>> links;
  std::string text;  // arena of the address strings

  void clear() {
    source_id.clear();
    doi.clear();
    year = 0;
    authors = 0;
    title.clear();
    first_author.clear();
    journal.clear();
    date.clear();
    addresses.clear();
    links.clear();
    text.clear();
  }
  // Appends an address; returns its index.
  uint32_t AddAddress(std::string_view s, CountryCode country = kNoCountry, bool structured = false) {
    RawAddress a;
    a.text_begin = static_cast<uint32_t>(text.size());
    text.append(s);
    a.text_end = static_cast<uint32_t>(text.size());
    a.country = country;
    a.structured = structured;
    addresses.push_back(a);
    return static_cast<uint32_t>(addresses.size() - 1);
  }
  std::string_view AddressText(const RawAddress& a) const {
    return std::string_view(text).substr(a.text_begin, a.text_end - a.text_begin);
  }
};

// The work id of a record without an OpenAlex id: a 64-bit FNV-1a hash of its
// DOI when it has one (so the same paper read from a WoS and a Scopus export
// counts once), else of "source_id", with bit 62 set so that it never equals
// an OpenAlex work number.  0 when the record has neither.
OpenAlexId RawWorkId(const RawWork& w);

// "https://doi.org/10.1000/ABC", "doi:10.1000/abc", "http://dx.doi.org/…" →
// "10.1000/abc"; "" when the text holds no "10." prefix.
std::string NormalizeDoi(std::string_view text);

}  // namespace coopscope
