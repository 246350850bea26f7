#include "scope/scope.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace coopscope {

RootText ReadRootText(std::string_view text) {
  RootText root;
  if (text.starts_with("ror:")) text.remove_prefix(4);
  std::string_view t = text;
  if (auto pos = t.rfind('/'); pos != std::string_view::npos) t = t.substr(pos + 1);
  if (t.size() == 9 && t[0] == '0' && std::isdigit(static_cast<unsigned char>(t[7])) &&
      std::isdigit(static_cast<unsigned char>(t[8])) && ParseRorId(t) != 0) {
    root.kind = RootText::kRor;
    root.ror = ParseRorId(text);
  } else if (OpenAlexId id = ParseOpenAlexId(text, 'I')) {
    root.kind = RootText::kOpenAlex;
    root.openalex = id;
  }
  return root;
}

Result<CountryCode> ReadHomeCountry(std::string_view text) {
  const CountryCode home = MakeCountry(text);
  if (home == kNoCountry)
    return Status(ErrorCode::kInvalidArgument, fmt::format("home country '{}' is not an ISO 3166-1 alpha-2 code", text));
  return home;
}

std::string RootKey(std::string_view text) {
  const RootText root = ReadRootText(text);
  switch (root.kind) {
    case RootText::kRor: return fmt::format("ror:{}", root.ror);
    case RootText::kOpenAlex: return fmt::format("openalex:{}", root.openalex);
    case RootText::kName: break;
  }
  return "name:" + NormalizeName(text);
}

Scope Scope::Described(std::string name, CountryCode home, std::vector<ScopeMember> roots) {
  Scope scope;
  scope.name_ = std::move(name);
  scope.home_ = home;
  scope.roots_ = std::move(roots);
  return scope;
}

namespace {

struct IdRef {
  OpenAlexId openalex = 0;
  RorId ror = 0;
};

// Resolves "02feahw73", "https://ror.org/02feahw73", "I1294671590" or a name.
Result<IdRef> Resolve(std::string_view text, const Registry& registry) {
  IdRef ref;
  const RootText root = ReadRootText(text);
  if (root.kind == RootText::kRor) {
    ref.ror = root.ror;
  } else if (root.kind == RootText::kOpenAlex) {
    ref.openalex = root.openalex;
  } else {
    auto found = registry.FindByName(text);
    if (found.empty()) {
      return Status(ErrorCode::kNotFound,
                    registry.size() == 0
                        ? fmt::format("'{}' is not a ROR id nor an OpenAlex institution id, and no registry "
                                      "is loaded to look it up by name (add --registry FILE)",
                                      text)
                        : fmt::format("no organisation named '{}' in the registry ({} organisations loaded)", text,
                                      registry.size()));
    }
    // Prefer active records when a name is shared with inactive ones.
    std::vector<const RegistryEntry*> active;
    for (auto* e : found)
      if (e->active) active.push_back(e);
    if (active.size() == 1) found = active;
    if (found.size() > 1) {
      std::string list;
      for (size_t i = 0; i < found.size() && i < 10; ++i)
        list += fmt::format("\n  {} {} ({}) {}", found[i]->ror ? FormatRorId(found[i]->ror) : "-",
                            found[i]->openalex ? FormatOpenAlexId(found[i]->openalex, 'I') : "-",
                            CountryName(found[i]->country), found[i]->name);
      return Status(ErrorCode::kAmbiguous,
                    fmt::format("'{}' names {} organisations; give one id:{}", text, found.size(), list));
    }
    ref.openalex = found[0]->openalex;
    ref.ror = found[0]->ror;
  }
  // Complete the pair from the registry.
  if (const RegistryEntry* e = registry.Find(ref.openalex, ref.ror)) {
    if (ref.openalex == 0) ref.openalex = e->openalex;
    if (ref.ror == 0) ref.ror = e->ror;
  }
  return ref;
}

std::string Label(OpenAlexId id, RorId ror) {
  if (ror != 0) return FormatRorId(ror);
  return FormatOpenAlexId(id, 'I');
}

ScopeMember MakeMember(const Registry& registry, OpenAlexId id, RorId ror, std::string why) {
  ScopeMember m;
  m.openalex = id;
  m.ror = ror;
  m.why = std::move(why);
  if (const RegistryEntry* e = registry.Find(id, ror)) {
    m.name = e->name;
    m.country = e->country;
    if (m.openalex == 0) m.openalex = e->openalex;
    if (m.ror == 0) m.ror = e->ror;
  }
  return m;
}

}  // namespace

Result<ScopeSpec> LoadScopeFile(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status(ErrorCode::kParse, fmt::format("{}:{}:{}: scope file: {}", path, e.source().begin.line,
                                                 e.source().begin.column, e.description()));
  }
  ScopeSpec spec;
  spec.name = table["name"].value_or(std::string());
  spec.home_country = table["home_country"].value_or(std::string());
  auto list = [&](const char* key, std::vector<std::string>* out) -> Status {
    auto node = table[key];
    if (!node) return Status::Ok();
    auto* arr = node.as_array();
    if (arr == nullptr)
      return Status(ErrorCode::kParse, fmt::format("{}: scope file: \"{}\" must be an array of strings", path, key));
    for (auto& item : *arr) {
      auto s = item.value<std::string>();
      if (!s) return Status(ErrorCode::kParse, fmt::format("{}: scope file: \"{}\" must hold strings", path, key));
      out->push_back(*s);
    }
    return Status::Ok();
  };
  for (auto [key, out] : {std::pair{"roots", &spec.roots}, {"include", &spec.include}, {"exclude", &spec.exclude}}) {
    Status st = list(key, out);
    if (!st.ok()) return st;
  }
  for (auto&& [key, node] : table) {
    std::string_view k = key.str();
    if (k != "name" && k != "home_country" && k != "roots" && k != "include" && k != "exclude")
      return Status(
          ErrorCode::kParse,
          fmt::format("{}: scope file: unknown key \"{}\" (known: name, roots, include, exclude, home_country)", path,
                      k));
  }
  if (spec.roots.empty()) return Status(ErrorCode::kParse, fmt::format("{}: scope file lists no roots", path));
  return spec;
}

void Scope::AddRorDescendants(const Registry& registry, RorId root, const std::string& root_label) {
  // Breadth-first over ROR child relations (and the children's parent links).
  std::deque<std::pair<RorId, int>> queue{{root, 0}};
  std::unordered_map<RorId, RorId> parent_of;
  while (!queue.empty()) {
    auto [ror, depth] = queue.front();
    queue.pop_front();
    const RegistryEntry* e = registry.FindRor(ror);
    if (e == nullptr) continue;
    for (RorId child : e->ror_children) {
      if (ror_.contains(child) || excluded_ror_.contains(child)) continue;
      ror_.insert(child);
      const RegistryEntry* ce = registry.FindRor(child);
      if (ce && ce->openalex) openalex_.insert(ce->openalex);
      members_.push_back(MakeMember(registry, 0, child,
                                    depth == 0 ? fmt::format("ROR child of {}", root_label)
                                               : fmt::format("ROR child of {} (descendant of {}, depth {})",
                                                             FormatRorId(ror), root_label, depth + 1)));
      queue.emplace_back(child, depth + 1);
    }
  }
}

Result<Scope> Scope::Build(const ScopeSpec& spec, const Registry& registry) {
  Scope scope;
  if (spec.roots.empty()) return Status(ErrorCode::kInvalidArgument, "no organisation given (use --org or --scope)");
  // Exclusions first, so the walk does not enter them.
  for (const std::string& text : spec.exclude) {
    auto ref = Resolve(text, registry);
    if (!ref.ok()) return ref.status();
    scope.excluded_openalex_.insert(ref->openalex);
    scope.excluded_ror_.insert(ref->ror);
    ScopeMember m = MakeMember(registry, ref->openalex, ref->ror, "excluded by the scope file");
    m.excluded = true;
    scope.members_.push_back(m);
  }
  for (const std::string& text : spec.roots) {
    auto ref = Resolve(text, registry);
    if (!ref.ok()) return ref.status();
    scope.openalex_.insert(ref->openalex);
    scope.ror_.insert(ref->ror);
    ScopeMember m = MakeMember(registry, ref->openalex, ref->ror, "root");
    scope.roots_.push_back(m);
    scope.members_.push_back(m);
    if (scope.home_ == kNoCountry) scope.home_ = m.country;
  }
  for (const ScopeMember& root : std::vector<ScopeMember>(scope.roots_)) {
    if (root.ror != 0) scope.AddRorDescendants(registry, root.ror, Label(root.openalex, root.ror));
  }
  for (const std::string& text : spec.include) {
    auto ref = Resolve(text, registry);
    if (!ref.ok()) return ref.status();
    scope.openalex_.insert(ref->openalex);
    scope.ror_.insert(ref->ror);
    scope.members_.push_back(MakeMember(registry, ref->openalex, ref->ror, "included by the scope file"));
  }
  // OpenAlex entities whose lineage holds a member (known from institution files).
  for (const RegistryEntry& e : registry.entries()) {
    if (e.openalex == 0 || scope.openalex_.contains(e.openalex) || scope.excluded_openalex_.contains(e.openalex))
      continue;
    for (OpenAlexId anc : e.lineage) {
      if (anc != e.openalex && scope.openalex_.contains(anc)) {
        scope.members_.push_back(MakeMember(registry, e.openalex, e.ror,
                                            fmt::format("OpenAlex lineage holds {}", FormatOpenAlexId(anc, 'I'))));
        break;
      }
    }
  }
  if (!spec.home_country.empty()) {
    auto home = ReadHomeCountry(spec.home_country);
    if (!home.ok()) return home.status();
    scope.home_ = home.value();
  }
  scope.name_ = !spec.name.empty()                                       ? spec.name
                : !scope.roots_.empty() && !scope.roots_[0].name.empty() ? scope.roots_[0].name
                                                                         : spec.roots[0];
  return scope;
}

}  // namespace coopscope
