#include "app/cli_common.h"

#include <fmt/format.h>

#include <sstream>

namespace coopscope {

void AddRegistryOption(CLI::App* cmd, std::vector<std::string>* registries) {
  cmd->add_option("--registry", *registries,
                  "ROR v2 dump (.json, .json.gz, .zip) or OpenAlex institutions (.jsonl[.gz]); repeatable")
      ->allow_extra_args(false);
}

void AddOrgOptions(CLI::App* cmd, OrgOptions* o) {
  cmd->add_option("--org", o->orgs,
                  "Organisation: ROR id, OpenAlex institution id (I…) or a registry name; repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--scope", o->scope_file, "Scope file (TOML): name, roots, include, exclude, home_country");
  AddRegistryOption(cmd, &o->registries);
  cmd->add_option("--home", o->home, "Home country h(S) (ISO alpha-2); default: the roots' registry country");
}

int Fail(int code, const std::string& message) {
  fmt::print(stderr, "coopscope: error: {}\n", message);
  return code;
}

int ExitFor(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kNotFound:
    case ErrorCode::kIo:
      return kExitInput;
    case ErrorCode::kAmbiguous:
      return kExitOrg;
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitInput;
  }
}

int LoadRegistries(const std::vector<std::string>& paths, Registry* registry, RejectLog* rejects) {
  for (const std::string& path : paths) {
    Status st = registry->Load(path, rejects);
    if (!st.ok()) return Fail(kExitInput, fmt::format("registry {}: {}", path, st.message()));
  }
  if (rejects->size() > 0)
    fmt::print(stderr, "coopscope: {} registry records rejected (first: {})\n", rejects->size(),
               rejects->Sorted().front().ToString());
  return kExitOk;
}

int BuildScope(const OrgOptions& o, const Registry& registry, std::unique_ptr<Scope>* out) {
  ScopeSpec spec;
  if (!o.scope_file.empty()) {
    auto loaded = LoadScopeFile(o.scope_file);
    if (!loaded.ok()) return Fail(kExitUsage, loaded.status().message());
    spec = loaded.value();
  }
  for (const auto& org : o.orgs) spec.roots.push_back(org);
  if (!o.home.empty()) spec.home_country = o.home;
  if (spec.roots.empty()) return Fail(kExitUsage, "no organisation: give --org ID (or a --scope file)");
  auto scope = Scope::Build(spec, registry);
  if (!scope.ok()) {
    int code = scope.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitOrg;
    return Fail(code, scope.status().message());
  }
  *out = std::make_unique<Scope>(std::move(scope.value()));
  return kExitOk;
}

int BuildOrg(const OrgOptions& o, OrgContext* ctx) {
  if (int rc = LoadRegistries(o.registries, &ctx->registry, &ctx->registry_rejects); rc != kExitOk) return rc;
  return BuildScope(o, ctx->registry, &ctx->scope);
}

Result<CountryPolicy> MakePolicy(bool no_overseas, bool no_hkmo, const std::vector<std::string>& rules) {
  CountryPolicy policy;
  policy.SetOverseasAsFrance(!no_overseas);
  policy.SetHongKongMacaoAsChina(!no_hkmo);
  for (const auto& rule : rules) {
    Status st = policy.AddRule(rule);
    if (!st.ok()) return st;
  }
  return policy;
}

bool ParseYears(const std::string& text, int* first, int* last) {
  if (text.empty()) return true;
  int a = 0, b = 0;
  char dash = 0;
  std::istringstream in(text);
  if (!(in >> a)) return false;
  if (in >> dash) {
    if (dash != '-' || !(in >> b)) return false;
  } else {
    b = a;
  }
  if (a < 1000 || b > 2999 || a > b) return false;
  *first = a;
  *last = b;
  return true;
}

}  // namespace coopscope
