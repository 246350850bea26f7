// What every subcommand shares: organisation and registry options, exit-code
// mapping, error printing and small parsers.  A group of subcommands lives in
// its own file (src/app/*_commands.cc) and uses these.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "io/reject.h"
#include "io/status.h"
#include "registry/country_policy.h"
#include "registry/registry.h"
#include "scope/scope.h"

namespace coopscope {

struct OrgOptions {
  std::vector<std::string> orgs;
  std::string scope_file;
  std::vector<std::string> registries;
  std::string home;
};

// Registry and scope, shared by every command that takes --org.
struct OrgContext {
  Registry registry;
  RejectLog registry_rejects;
  std::unique_ptr<Scope> scope;
};

// One file per --registry, so that a positional argument after it is not
// taken for a second registry.
void AddRegistryOption(CLI::App* cmd, std::vector<std::string>* registries);

void AddOrgOptions(CLI::App* cmd, OrgOptions* o);

// Prints "coopscope: error: MESSAGE" on stderr and returns CODE.
int Fail(int code, const std::string& message);

// The exit code for a failed Status.
int ExitFor(const Status& st);

// Loads every --registry file; prints the rejects' count.  Returns an exit code.
int LoadRegistries(const std::vector<std::string>& paths, Registry* registry, RejectLog* rejects);

// The scope of --org/--scope/--home over REGISTRY.  Returns an exit code.
int BuildScope(const OrgOptions& o, const Registry& registry, std::unique_ptr<Scope>* out);

// LoadRegistries then BuildScope.
int BuildOrg(const OrgOptions& o, OrgContext* ctx);

// The country policy of the options shared by indicators and store build.
Result<CountryPolicy> MakePolicy(bool no_overseas, bool no_hkmo, const std::vector<std::string>& rules);

// "2022" or "2015-2022" into [first, last]; empty text leaves them unchanged.
bool ParseYears(const std::string& text, int* first, int* last);

}  // namespace coopscope
