// coopscope: the command line.  A thin shell: parses options, calls the
// layers, prints.  Exit codes are documented in README.md and `--help`.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"coopscope: international scientific cooperation indicators from OpenAlex and registries"};
  app.require_subcommand(1);
  app.footer(coopscope::ExitCodeHelp());
  app.set_version_flag("--version", "coopscope 0.1.0");
  coopscope::RegisterCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : coopscope::kExitUsage;
  }
  return coopscope::RunSelected(app);
}
