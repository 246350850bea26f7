// The registry of research organisations: ROR v2 records and OpenAlex
// institution entities, merged on their ROR id.
//
// It answers: the country, coordinates, type and name of an institution; its
// parents and children (ROR relations, OpenAlex `associated_institutions`);
// its OpenAlex lineage; and name look-ups.  Built once, then read-only and
// thread-safe for concurrent readers.
#pragma once

#include <cmath>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/reject.h"
#include "io/status.h"
#include "model/country.h"
#include "model/ids.h"
#include "model/work.h"
#include "registry/id_index.h"

namespace coopscope {

struct RegistryEntry {
  OpenAlexId openalex = 0;           // 0 when only ROR knows it
  RorId ror = 0;                     // 0 when only OpenAlex knows it
  std::string name;                  // display name
  std::vector<std::string> aliases;  // labels, aliases, acronyms, alternatives
  std::vector<std::string> acronyms;  // the aliases typed as acronyms (also in `aliases`)
  std::string city;                   // the seat's city (ROR geonames name, OpenAlex geo.city)
  CountryCode country = kNoCountry;
  InstitutionType type = InstitutionType::kUnknown;
  double lat = NAN, lng = NAN;
  bool active = true;
  std::vector<RorId> ror_parents, ror_children;
  std::vector<RorId> ror_related;  // ROR "related" links (an institute's network, a hospital's university)
  std::vector<OpenAlexId> openalex_parents, openalex_children;
  std::vector<OpenAlexId> lineage;  // OpenAlex lineage (self included) when known

  bool geocoded() const { return !std::isnan(lat) && !std::isnan(lng); }
};

struct RegistryLoadStats {
  std::string file;
  std::string format;  // "ror-v2", "openalex-institutions"
  uint64_t records = 0;
  uint64_t rejected = 0;
};

class Registry {
 public:
  // Loads a ROR v2 dump (JSON array, plain, .gz or .zip) or OpenAlex
  // institution entities (JSON Lines plain/.gz/.zst, a single entity, an API
  // list page), or every such file of a folder; the format is recognised from
  // the content.  Records that do
  // not parse go to rejects; a file that cannot be read is an error.
  Status Load(const std::string& path, RejectLog* rejects);

  // Adds an entry kept earlier (by the store), merged on its ids like a
  // loaded record.
  void AddEntry(RegistryEntry entry);
  // Room for n entries, before adding many.
  void Reserve(size_t n);
  void AddLoadStats(RegistryLoadStats stats) { loads_.push_back(std::move(stats)); }

  // Look-ups; nullptr when unknown.
  const RegistryEntry* FindOpenAlex(OpenAlexId id) const;
  const RegistryEntry* FindRor(RorId id) const;
  // Either id may be 0.
  const RegistryEntry* Find(OpenAlexId id, RorId ror) const;
  // Case- and accent-insensitive exact match on names, aliases and acronyms.
  std::vector<const RegistryEntry*> FindByName(std::string_view name) const;

  size_t size() const { return entries_.size(); }
  const std::vector<RegistryEntry>& entries() const { return entries_; }
  const std::vector<RegistryLoadStats>& loads() const { return loads_; }

 private:
  RegistryEntry& Upsert(OpenAlexId id, RorId ror);
  void Index(size_t index) const;
  Status LoadRorArray(const std::string& path, std::string& json, RejectLog* rejects, RegistryLoadStats* stats);
  Status LoadOpenAlexInstitutions(const std::string& path, RejectLog* rejects, RegistryLoadStats* stats);

  std::vector<RegistryEntry> entries_;
  IdIndex by_openalex_;
  IdIndex by_ror_;
  mutable std::mutex names_mu_;
  mutable bool names_indexed_ = false;
  mutable std::unordered_multimap<std::string, size_t> by_name_;
  std::vector<RegistryLoadStats> loads_;
};

// Lower-cases and strips accents (Latin-1 supplement and common Latin
// Extended-A letters) and punctuation; spaces are collapsed.
std::string NormalizeName(std::string_view text);

}  // namespace coopscope
