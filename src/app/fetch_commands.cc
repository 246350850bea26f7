// coopscope fetch openalex: works of an organisation from the OpenAlex API
// into a folder of list pages that `coopscope indicators` reads (docs/fetch.md).
#include <fmt/format.h>

#include "app/cli_common.h"
#include "app/commands.h"
#include "fetch/openalex_fetch.h"

namespace coopscope {
namespace {

struct FetchCommandOptions {
  OrgOptions org;
  int from = 2015;
  int to = 2024;
  std::string out;
  FetchOptions fetch;
  int64_t retry_base_ms = 1000;
  int64_t retry_max_ms = 60000;
  bool quiet = false;
};

struct FetchCommands {
  CLI::App* fetch = nullptr;
  CLI::App* openalex = nullptr;
  FetchCommandOptions o;
};

FetchCommands& State() {
  static FetchCommands c;
  return c;
}

int RunFetchOpenAlex(FetchCommandOptions& o) {
  OrgContext ctx;
  if (int rc = BuildOrg(o.org, &ctx); rc != kExitOk) return rc;
  auto filter = WorksFilterFor(*ctx.scope, o.from, o.to);
  if (!filter.ok()) return Fail(ExitFor(filter.status()), filter.status().message());
  FetchOptions& f = o.fetch;
  f.filter = filter.value();
  f.retry_base = std::chrono::milliseconds(o.retry_base_ms);
  f.retry_max = std::chrono::milliseconds(o.retry_max_ms);
  if (!o.quiet) {
    fmt::print(stderr, "coopscope: fetching {}/works?filter={}\n", f.base_url, f.filter);
    f.on_page = [](uint64_t pages, uint64_t records, uint64_t expected) {
      fmt::print(stderr, "coopscope: page {} saved, {} works of about {}\n", pages, records, expected);
    };
    f.on_retry = [](const std::string& why, std::chrono::milliseconds delay) {
      fmt::print(stderr, "coopscope: {}; retrying in {} ms\n", why, delay.count());
    };
  }
  auto done = FetchOpenAlexWorks(f, o.out);
  if (!done.ok()) {
    int code = done.status().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitInput;
    return Fail(code, done.status().message() + fmt::format(" (pages kept in {}; run again to resume)", o.out));
  }
  const FetchSummary& s = done.value();
  if (!o.quiet)
    fmt::print(stderr, "coopscope: {}: {} pages, {} works{} ({} requests, {} retries this run){}\n", o.out, s.pages,
               s.records, s.complete ? ", complete" : ", not complete: run again to go on", s.requests, s.retries,
               s.resumed ? ", resumed" : "");
  return kExitOk;
}

}  // namespace

void RegisterFetchCommands(CLI::App& app) {
  FetchCommands& c = State();
  FetchCommandOptions& o = c.o;
  c.fetch = app.add_subcommand("fetch", "Download works from a bibliographic API into a folder");
  c.fetch->require_subcommand(1);
  c.openalex = c.fetch->add_subcommand("openalex", "OpenAlex works of an organisation (cursor paging, resumable)");
  AddOrgOptions(c.openalex, &o.org);
  c.openalex->add_option("--from", o.from, "First publication year")->capture_default_str();
  c.openalex->add_option("--to", o.to, "Last publication year")->capture_default_str();
  c.openalex->add_option("--out", o.out, "Output folder (list pages and fetch.state); run again to resume")
      ->required();
  c.openalex->add_option("--api-key", o.fetch.api_key, "OpenAlex API key")->envname("OPENALEX_API_KEY");
  c.openalex->add_option("--mailto", o.fetch.mailto, "Contact e-mail sent to OpenAlex")->envname("OPENALEX_MAILTO");
  c.openalex->add_option("--base-url", o.fetch.base_url, "API base URL")->capture_default_str();
  c.openalex->add_option("--per-page", o.fetch.per_page, "Works per page (1-200)")->capture_default_str();
  c.openalex->add_option("--max-retries", o.fetch.max_retries, "Retries of one request on 429, 5xx, network errors")
      ->capture_default_str();
  c.openalex->add_option("--retry-base-ms", o.retry_base_ms, "First back-off; doubles each retry")
      ->capture_default_str();
  c.openalex->add_option("--retry-max-ms", o.retry_max_ms, "Longest back-off")->capture_default_str();
  c.openalex->add_option("--timeout", o.fetch.timeout_seconds, "Connection and read timeout in seconds")
      ->capture_default_str();
  c.openalex->add_option("--max-pages", o.fetch.max_pages, "Stop after this many pages in this run (0: all)")
      ->capture_default_str();
  c.openalex->add_flag("-q,--quiet", o.quiet, "No progress on stderr");
}

int RunFetchCommands() {
  FetchCommands& c = State();
  if (c.openalex == nullptr || !c.openalex->parsed()) return -1;
  return RunFetchOpenAlex(c.o);
}

}  // namespace coopscope
