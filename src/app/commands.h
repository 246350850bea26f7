// The subcommands of the coopscope CLI and the exit codes they return.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace coopscope {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;      // bad options or arguments
inline constexpr int kExitRejects = 3;    // --strict met a reject, or --max-rejects was passed
inline constexpr int kExitInput = 4;      // an input or registry file cannot be read
inline constexpr int kExitOrg = 5;        // the organisation is unknown or ambiguous
inline constexpr int kExitInternal = 70;  // a bug: please report

std::string ExitCodeHelp();
// Every command but the extended ones below.
void RegisterCommands(CLI::App& app);
int RunSelected(CLI::App& app);

// The extended commands (app/extended_commands.cc): fetch, hr, generate hr and
// keyfigures, which need cpp-httplib, OpenSSL, libzip and expat.  Only the
// coopscope-ext program links them; coopscope hands a command line naming one
// over to it (app/main.cc), so that the other commands do not load those
// libraries at every start.  RunExtendedCommands returns -1 when none was parsed.
void RegisterExtendedCommands(CLI::App& app);
int RunExtendedCommands();
// Whether ARGS (the command line without the program's name) names an
// extended command, or asks for the whole list (--help alone).
bool NeedsExtendedProgram(const std::vector<std::string>& args);
// Whether the command allocates enough for huge pages to pay: every command
// but --version, --help, `countries` and `store info` (docs/architecture.md,
// "src/app").  From the command line alone, like NeedsExtendedProgram.
bool WantsHugePages(const std::vector<std::string>& args);
// Adds glibc.malloc.hugetlb=1 to GLIBC_TUNABLES (malloc's heaps backed by
// transparent huge pages: a page fault per 2 MiB instead of per 4 KiB, which
// on this project's 2-core VM cost about 13 µs each); false when the variable already names
// that tunable or cannot be set.  glibc reads it when a program starts.
bool AddHugePagesTunable();
inline constexpr const char* kExtendedProgram = "coopscope-ext";

// Groups of subcommands that live in their own file (src/app/<group>_commands.cc,
// using app/cli_common.h).  Register adds the subcommands; Run returns the exit
// code of the one parsed, or -1 when none of the group's was parsed.
// RegisterCommands and RunSelected call every group listed here but fetch, hr
// and keyfigures, which RegisterExtendedCommands and RunExtendedCommands call.
void RegisterFetchCommands(CLI::App& app);
int RunFetchCommands();
void RegisterReadCommands(CLI::App& app);  // coopscope read (app/read_commands.cc)
int RunReadCommands();
void RegisterHrCommands(CLI::App& app);  // hr import|indicators|purge|info, generate hr
int RunHrCommands();
void RegisterMobilityCommands(CLI::App& app);
int RunMobilityCommands();
void RegisterKeyFiguresCommands(CLI::App& app);  // keyfigures
int RunKeyFiguresCommands();
void RegisterMergeCommands(CLI::App& app);  // coopscope merge (app/merge_commands.cc)
int RunMergeCommands();
void RegisterStoreMergeCommands(CLI::App& app);  // coopscope store merge (app/store_merge_commands.cc)
int RunStoreMergeCommands();

}  // namespace coopscope
