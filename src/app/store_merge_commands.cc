// `coopscope store merge TARGET SOURCE_STORE…`: stores built separately (on
// other machines, or from other parts of a snapshot) merged into one, whose
// answers equal a build over all their inputs (store/store.h Merge).
#include <fmt/format.h>

#include "app/cli_common.h"
#include "store/store.h"

namespace coopscope {
namespace {

struct StoreMergeState {
  CLI::App* cmd = nullptr;
  std::string dir;
  std::vector<std::string> sources;
  std::string rejects_file;
  unsigned threads = 0;
  bool quiet = false;
};

StoreMergeState& State() {
  static StoreMergeState state;
  return state;
}

int RunStoreMerge(const StoreMergeState& s) {
  store::MergeOptions o;
  o.sources = s.sources;
  o.threads = s.threads;
  RejectLog rejects;
  auto result = store::Merge(s.dir, o, &rejects);
  if (!s.rejects_file.empty()) {
    if (Status st = rejects.WriteTsv(s.rejects_file); !st.ok()) return Fail(kExitInput, st.message());
  }
  if (!result.ok()) return Fail(ExitFor(result.status()), result.status().message());
  const store::IngestSummary& m = result.value();
  if (!s.quiet) {
    const IngestReport& g = m.totals.ingest;
    fmt::print(stderr, "coopscope: {} files merged ({} segments, {} records), {} already in the store\n", m.files_new,
               m.segments_written, m.records, m.files_skipped);
    fmt::print(stderr,
               "coopscope: store generation {}: read {} = accepted {} + rejected {} + duplicates {}; {} merged away; "
               "{} live works\n",
               m.totals.generation, g.read, g.accepted, g.rejected, g.duplicates, g.merged_dropped,
               m.totals.live_works);
  }
  return kExitOk;
}

}  // namespace

void RegisterStoreMergeCommands(CLI::App& app) {
  StoreMergeState& s = State();
  CLI::App* store = app.get_subcommand("store");  // registered by RegisterCommands before this
  s.cmd = store->add_subcommand("merge", "Merge stores built separately into one store (created if absent)");
  s.cmd->add_option("dir", s.dir, "Store folder to merge into")->required();
  s.cmd->add_option("sources", s.sources, "Store folders to merge, in this order")->required();
  s.cmd->add_option("--rejects", s.rejects_file, "Write the rejects of the merged files as TSV");
  s.cmd->add_option("--threads", s.threads, "Worker threads of the settle step (default: all cores)");
  s.cmd->add_flag("-q,--quiet", s.quiet, "No summary on stderr");
}

int RunStoreMergeCommands() {
  StoreMergeState& s = State();
  if (s.cmd == nullptr || !s.cmd->parsed()) return -1;
  try {
    return RunStoreMerge(s);
  } catch (const std::exception& e) {
    return Fail(kExitInternal, fmt::format("internal error: {}", e.what()));
  }
}

}  // namespace coopscope
