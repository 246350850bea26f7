// Fetches OpenAlex works from the API (/works) into a folder of raw list
// pages, with cursor paging, retries and resume.
//
// Layout of the output folder (docs/fetch.md):
//   page_000001.json …   one API list page each ({"meta":…,"results":[…]}), the
//                        response body as received: `coopscope indicators DIR`
//                        reads them directly.
//   fetch.state          the committed state (query, pages, records, next
//                        cursor), version 1, plain text.
// A page is committed in two atomic steps: its body is written to a temporary
// file, synced and renamed to page_N.json; then the state naming N pages and
// the next cursor replaces fetch.state the same way; a new fetch writes its
// state (0 pages) before page 1.  A run killed at any point
// leaves either the old state (page N, if renamed, is fetched again and
// overwritten under the same name) or the new one, so a resumed run writes no
// duplicate and leaves no gap.
//
// Not thread-safe: one fetch per folder at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/status.h"
#include "scope/scope.h"

namespace coopscope {

struct FetchOptions {
  std::string base_url = "https://api.openalex.org";  // scheme://host[:port][/prefix]
  std::string filter;                                 // the OpenAlex `filter` parameter
  std::string api_key;                                // sent as `api_key` when not empty
  std::string mailto;                                 // contact e-mail, sent as `mailto`
  int per_page = 200;                                 // OpenAlex allows 1..200
  int max_retries = 8;                                // per request, on 429, 5xx, network errors
  std::chrono::milliseconds retry_base{1000};         // first back-off; doubles each retry
  std::chrono::milliseconds retry_max{60000};         // cap of one back-off (and of Retry-After)
  int timeout_seconds = 60;                           // connection and read timeout
  uint64_t max_pages = 0;                             // stop after this many pages in this run (0: all)
  // Called after each committed page (progress reporting); may be empty.
  std::function<void(uint64_t pages, uint64_t records, uint64_t expected)> on_page;
  // Called before sleeping for a retry; may be empty.
  std::function<void(const std::string& why, std::chrono::milliseconds delay)> on_retry;
};

struct FetchSummary {
  uint64_t pages = 0;          // pages in the folder (all runs)
  uint64_t records = 0;        // works in those pages
  uint64_t pages_this_run = 0;
  uint64_t requests = 0;       // HTTP requests made by this run, retries included
  uint64_t retries = 0;
  uint64_t expected = 0;       // meta.count of the first page (OpenAlex's estimate)
  bool resumed = false;        // the folder held a state from an earlier run
  bool complete = false;       // the last page was reached (next_cursor null)
};

// The OpenAlex filter for works of SCOPE's roots published in [from, to]:
// `authorships.institutions.lineage:I1|I2` when every root has an OpenAlex id
// (the lineage brings the institution's descendants), otherwise
// `authorships.institutions.ror:R1|R2` (works matched to those ROR ids), then
// `,publication_year:FROM-TO`.  More than 100 roots is an error (OpenAlex's
// limit of values OR-ed in one filter).
Result<std::string> WorksFilterFor(const Scope& scope, int from, int to);

// Fetches every page of /works?filter=… into OUT_DIR, resuming from
// OUT_DIR/fetch.state when it exists.  Errors: kInvalidArgument for a
// request OpenAlex refuses (400, 401, 403, 404: not retried) or a state from
// another query; kIo when retries are exhausted or a file cannot be written;
// kCorrupt when the saved state or pages do not agree.
Result<FetchSummary> FetchOpenAlexWorks(const FetchOptions& options, const std::string& out_dir);

// The name of page N (1-based) in the output folder: page_000001.json.
std::string FetchPageName(uint64_t n);

}  // namespace coopscope
