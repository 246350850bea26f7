// The commands that need the network or the HR records' libraries: fetch
// (cpp-httplib, OpenSSL), hr and generate hr (OpenSSL for pseudonyms, libzip
// and expat for XLSX), keyfigures (the HR database).  They are linked into
// coopscope-ext only; coopscope hands them over to it (app/main.cc), so that
// no other command pays for loading those libraries (docs/architecture.md).
#include <fmt/format.h>

#include "app/cli_common.h"
#include "app/commands.h"

namespace coopscope {

void RegisterExtendedCommands(CLI::App& app) {
  RegisterFetchCommands(app);
  RegisterHrCommands(app);
  RegisterKeyFiguresCommands(app);
}

int RunExtendedCommands() {
  try {
    if (int rc = RunFetchCommands(); rc != -1) return rc;
    if (int rc = RunHrCommands(); rc >= 0) return rc;
    if (int rc = RunKeyFiguresCommands(); rc >= 0) return rc;
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
  return -1;
}

}  // namespace coopscope
