// coopscope: the command line.  A thin shell: parses options, calls the
// layers, prints.  Exit codes are documented in README.md and `--help`.
//
// Built twice: coopscope (COOPSCOPE_CORE) runs every command but the extended
// ones (fetch, hr, generate hr, keyfigures), which it hands over to
// coopscope-ext, installed next to it, with the same arguments; coopscope-ext
// runs them all.  Loading cpp-httplib, OpenSSL, libzip and expat cost every
// command about 11 ms of its start (docs/architecture.md, "src/app").
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.h"

namespace {

#ifdef COOPSCOPE_CORE
// Replaces this process by coopscope-ext from this program's folder; returns
// only on failure.
int HandOver(char** argv) {
  std::string self(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size());
  if (n <= 0) {
    fmt::print(stderr, "coopscope: cannot locate this program to run {}: {}\n", coopscope::kExtendedProgram,
               std::strerror(errno));
    return coopscope::kExitInternal;
  }
  self.resize(static_cast<size_t>(n));
  const std::string program = self.substr(0, self.rfind('/') + 1) + coopscope::kExtendedProgram;
  ::execv(program.c_str(), argv);
  fmt::print(stderr,
             "coopscope: this command runs in {}, which should be installed next to coopscope, but {} cannot be run: "
             "{}\n",
             coopscope::kExtendedProgram, program, std::strerror(errno));
  return coopscope::kExitInternal;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const bool huge_pages = coopscope::WantsHugePages(args);
#ifdef COOPSCOPE_CORE
  if (coopscope::NeedsExtendedProgram(args)) {
    if (huge_pages) coopscope::AddHugePagesTunable();  // read by coopscope-ext as it starts
    return HandOver(argv);
  }
#endif
  // malloc reads its tunables when the program starts: this program again,
  // with the same arguments (about 9 ms; a registry decoded then takes half
  // the time).  On failure it goes on as it is.
  if (huge_pages && coopscope::AddHugePagesTunable()) ::execv("/proc/self/exe", argv);
  CLI::App app{"coopscope: international scientific cooperation indicators from OpenAlex and registries"};
  app.require_subcommand(1);
  app.footer(coopscope::ExitCodeHelp());
  app.set_version_flag("--version", "coopscope 0.1.0");
  coopscope::RegisterCommands(app);
#ifndef COOPSCOPE_CORE
  coopscope::RegisterExtendedCommands(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : coopscope::kExitUsage;
  }
#ifndef COOPSCOPE_CORE
  if (int rc = coopscope::RunExtendedCommands(); rc != -1) return rc;
#endif
  return coopscope::RunSelected(app);
}
