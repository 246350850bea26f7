// Organisation scope S (../shared/guide/INDICATORS.md, "Organisation scope"):
// roots given as ROR ids, OpenAlex institution ids or registry names; an
// institution is in S when its id or ROR is a root or a member, when its
// lineage holds a member OpenAlex id, or when its ROR descends from a root
// through ROR `child` relations.  Extra members and exclusions come from a
// scope file (TOML).  Immutable once built; thread-safe to read.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "io/status.h"
#include "model/work.h"
#include "registry/registry.h"
#include "scope/id_set.h"

namespace coopscope {

struct ScopeSpec {
  std::string name;                  // label for outputs
  std::vector<std::string> roots;    // "02feahw73", "https://ror.org/…", "I1294671590", or a name
  std::vector<std::string> include;  // extra members (ids)
  std::vector<std::string> exclude;  // excluded institutions (ids; with their ROR descendants)
  std::string home_country;          // overrides the roots' country
};

// Reads a scope file:
//   name = "CNRS"            roots = ["02feahw73"]      home_country = "FR"
//   include = ["I4210…"]     exclude = ["0xxxxxxNN"]
Result<ScopeSpec> LoadScopeFile(const std::string& path);

// How Scope::Build reads a root: a ROR id ("02feahw73", "ror:…",
// "https://ror.org/…"), an OpenAlex institution id, else a name.
struct RootText {
  enum Kind { kName, kRor, kOpenAlex } kind = kName;
  RorId ror = 0;
  OpenAlexId openalex = 0;
};
RootText ReadRootText(std::string_view text);
// A root's text reduced to what its resolution depends on: "ror:N",
// "openalex:N", or "name:" and the normalised name (the registry looks names
// up by that form).  Two texts with one key resolve alike against any
// registry.
std::string RootKey(std::string_view text);
// A home country given as text (--home, a scope file): an ISO 3166-1 alpha-2 code.
Result<CountryCode> ReadHomeCountry(std::string_view text);

struct ScopeMember {
  OpenAlexId openalex = 0;
  RorId ror = 0;
  std::string name;
  CountryCode country = kNoCountry;
  std::string why;  // "root", "ROR child of 02feahw73 (depth 1)", "lineage holds I1294671590", "included", "excluded"
  bool excluded = false;
};

class Scope {
 public:
  // Resolves the roots against the registry (which may be empty when roots
  // are ids).  An unknown name, or one naming several organisations, is an error.
  static Result<Scope> Build(const ScopeSpec& spec, const Registry& registry);
  // A scope known only by what outputs show of it (name, home, roots), as a
  // stored answer keeps it: no institution belongs to it.
  static Scope Described(std::string name, CountryCode home, std::vector<ScopeMember> roots);
  // The empty scope: no institution belongs to it (every one is a partner).
  static Scope None() { return Scope(); }

  // Whether an institution belongs to S.  lineage may be empty (2022 records):
  // the registry lineage is then consulted by the caller.
  bool Contains(OpenAlexId id, RorId ror, const OpenAlexId* lineage, size_t lineage_size) const {
    if (id != 0 && excluded_openalex_.contains(id)) return false;
    if (ror != 0 && excluded_ror_.contains(ror)) return false;
    if (id != 0 && openalex_.contains(id)) return true;
    if (ror != 0 && ror_.contains(ror)) return true;
    for (size_t i = 0; i < lineage_size; ++i)
      if (openalex_.contains(lineage[i])) return true;
    return false;
  }

  // The OpenAlex ids and ROR ids S holds (a reference is in S through one of
  // them, unless it is excluded).
  const IdSet& openalex_ids() const { return openalex_; }
  const IdSet& ror_ids() const { return ror_; }

  bool IsRoot(OpenAlexId id) const {
    for (const ScopeMember& r : roots_)
      if (r.openalex == id) return true;
    return false;
  }
  CountryCode home() const { return home_; }
  const std::string& name() const { return name_; }
  const std::vector<ScopeMember>& members() const { return members_; }
  const std::vector<ScopeMember>& roots() const { return roots_; }

 private:
  void AddRorDescendants(const Registry& registry, RorId root, const std::string& root_label);

  std::string name_;
  CountryCode home_ = kNoCountry;
  IdSet openalex_, ror_, excluded_openalex_, excluded_ror_;
  std::vector<ScopeMember> roots_, members_;
};

}  // namespace coopscope
