// Stored answers ("views", docs/store-format.md "Views"): for each
// organisation with many works, the settle step keeps what
// `indicators --store --org X` computes before writing its report — the
// tallies of W(S) per year, the descriptions of the partners and roots the
// report may name, and what the report shows of S (name, roots, home) — so
// that the query reads one catalog row instead of the works.  A view is
// Snapshot::Tally's answer encoded exactly (fractional sums as their integer
// units), so a report built from it is byte for byte the report built from
// the works.
//
// Encoding: magic, format version, crc32, then zstd frames — S and the years,
// one per year's tallies, the partners' descriptions — so that a reader
// decodes the years on two threads.  Decoding is bounds-checked: a damaged view is an
// error naming it, never a crash or a wrong answer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "indicators/engine.h"
#include "io/status.h"
#include "registry/country_policy.h"
#include "registry/registry.h"
#include "scope/scope.h"

namespace coopscope::store {

inline constexpr char kViewMagic[8] = {'C', 'O', 'O', 'P', 'V', 'I', 'E', 'W'};
inline constexpr uint32_t kViewFormatVersion = 3;

struct ViewAnswer;

// Reads the registry's entry number `entry` (its catalog row) into *out; false
// if it cannot.  A view names partners described exactly as a registry entry
// by that entry's number (format 3) rather than copying its name.
using RegistryEntryReader = std::function<bool(uint32_t entry, RegistryEntry* out)>;

// A view's partner descriptions, decoded one at a time as the report names
// them (a large organisation has tens of thousands of partners and the
// report names a few hundred).
class ViewPartners final : public PartnerDirectory {
 public:
  bool Find(PartnerKey key, PartnerInfo* out) const override;

 private:
  friend Status DecodeView(std::string_view blob, const std::string& where, uint64_t registry_rows,
                           RegistryEntryReader registry, const CountryPolicy& policy, ViewAnswer* out);
  std::unique_ptr<char[]> raw_;                       // the view's payload
  size_t raw_bytes_ = 0;
  std::vector<std::pair<PartnerKey, uint32_t>> at_;   // sorted: key, offset of its description in raw_
  RegistryEntryReader registry_;                      // for descriptions kept as a registry entry's number
  CountryPolicy policy_;                              // the store's: maps such an entry's country
};

struct ViewAnswer {
  // Tallied; registry null: every partner it knew is described by `partners`.
  Collected collected;
  std::unique_ptr<ViewPartners> partners;  // collected.directory
  Scope scope = Scope::None();             // Scope::Described
  bool registry_loaded = false;
};

// Encodes Tally's answer for `scope`.  Partners the registry describes
// (collected.registry) are described here, as the report would describe them.
std::string EncodeView(const Collected& collected, const Scope& scope, const CountryPolicy& policy,
                       bool registry_loaded);
// `where` names the view in errors; a view of another format version is
// kNotFound (the caller answers from the works), damage kCorrupt.
// `registry_rows`: the stored registry's entries (a number at or past it is
// damage); `registry` and `policy` (the store's) describe such partners when
// the report names them.
Status DecodeView(std::string_view blob, const std::string& where, uint64_t registry_rows, RegistryEntryReader registry,
                  const CountryPolicy& policy, ViewAnswer* out);

}  // namespace coopscope::store
