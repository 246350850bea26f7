#include "fetch/openalex_fetch.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <httplib.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "io/byte_stream.h"

namespace coopscope {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStateName = "fetch.state";
constexpr const char* kStateHeader = "coopscope-fetch-state 1";
constexpr size_t kMaxOrValues = 100;  // OpenAlex: values OR-ed in one filter

// What fetch.state holds.
struct FetchState {
  std::string filter;
  uint64_t pages = 0;
  uint64_t records = 0;
  uint64_t expected = 0;
  std::string next_cursor = "*";
  bool complete = false;
};

std::string StateText(const FetchState& s) {
  return fmt::format("{}\nfilter\t{}\npages\t{}\nrecords\t{}\nexpected\t{}\nnext_cursor\t{}\ncomplete\t{}\n",
                     kStateHeader, s.filter, s.pages, s.records, s.expected, s.next_cursor, s.complete ? 1 : 0);
}

Result<FetchState> ParseState(const std::string& path, const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kStateHeader)
    return Status(ErrorCode::kCorrupt, fmt::format("{}: not a coopscope fetch state (version 1)", path));
  FetchState s;
  int seen = 0;
  while (std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) return Status(ErrorCode::kCorrupt, fmt::format("{}: bad line '{}'", path, line));
    std::string key = line.substr(0, tab), value = line.substr(tab + 1);
    try {
      if (key == "filter") s.filter = value;
      else if (key == "pages") s.pages = std::stoull(value);
      else if (key == "records") s.records = std::stoull(value);
      else if (key == "expected") s.expected = std::stoull(value);
      else if (key == "next_cursor") s.next_cursor = value;
      else if (key == "complete") s.complete = value == "1";
      else continue;
    } catch (const std::exception&) {
      return Status(ErrorCode::kCorrupt, fmt::format("{}: bad value in '{}'", path, line));
    }
    ++seen;
  }
  if (seen != 6) return Status(ErrorCode::kCorrupt, fmt::format("{}: incomplete state", path));
  return s;
}

// Page numbers of page_N.json files in DIR.
std::vector<uint64_t> PagesInDir(const fs::path& dir) {
  std::vector<uint64_t> pages;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.size() == FetchPageName(1).size() && name.starts_with("page_") && name.ends_with(".json")) {
      try {
        pages.push_back(std::stoull(name.substr(5, 6)));
      } catch (const std::exception&) {
      }
    }
  }
  std::sort(pages.begin(), pages.end());
  return pages;
}

// Brings DIR to its committed state: temporary files and pages past the
// committed count (renamed before a kill, but not yet in the state) removed.
Status CleanUncommitted(const fs::path& dir, uint64_t committed_pages) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().ends_with(kTempSuffix)) fs::remove(entry.path(), ec);
    if (ec) return Status(ErrorCode::kIo, fmt::format("cannot remove {}", entry.path().string()));
  }
  uint64_t kept = 0;
  for (uint64_t n : PagesInDir(dir)) {
    if (n == 0 || n > committed_pages) {
      fs::remove(dir / FetchPageName(n), ec);
      if (ec) return Status(ErrorCode::kIo, fmt::format("cannot remove {}", FetchPageName(n)));
    } else {
      ++kept;  // distinct numbers in 1..committed_pages
    }
  }
  if (kept != committed_pages)
    return Status(ErrorCode::kCorrupt, fmt::format("{}: the state names {} pages but only {} of them are there",
                                                   dir.string(), committed_pages, kept));
  return Status::Ok();
}

struct BaseUrl {
  std::string scheme_host_port;  // "https://api.openalex.org"
  std::string prefix;            // "" or "/v1"
};

Result<BaseUrl> ParseBaseUrl(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || (url.substr(0, scheme_end) != "http" && url.substr(0, scheme_end) != "https"))
    return Status(ErrorCode::kInvalidArgument, fmt::format("base URL '{}' is not http:// or https://", url));
  auto path = url.find('/', scheme_end + 3);
  BaseUrl b;
  b.scheme_host_port = url.substr(0, path);
  if (path != std::string::npos) b.prefix = url.substr(path);
  while (!b.prefix.empty() && b.prefix.back() == '/') b.prefix.pop_back();
  return b;
}

// One page as received, checked to be a list page.
struct Page {
  std::string body;
  uint64_t results = 0;
  uint64_t count = 0;
  std::string next_cursor;  // empty: the last page
};

// Whether the body is an API list page; fills the page's fields.
Status ParsePage(Page* page) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto e = parser.parse(page->body).get(doc))
    return Status(ErrorCode::kParse, fmt::format("the response is not JSON ({})", simdjson::error_message(e)));
  simdjson::dom::array results;
  simdjson::dom::object meta;
  if (doc["results"].get_array().get(results) || doc["meta"].get_object().get(meta))
    return Status(ErrorCode::kParse, "the response is not a list page (no \"meta\" and \"results\")");
  page->results = results.size();
  uint64_t count = 0;
  if (!meta["count"].get_uint64().get(count)) page->count = count;
  std::string_view cursor;
  page->next_cursor.clear();
  if (!meta["next_cursor"].get_string().get(cursor)) page->next_cursor = std::string(cursor);
  return Status::Ok();
}

// OpenAlex's own words on a refused request ({"error": …, "message": …}).
std::string ErrorText(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view message, error;
  if (!parser.parse(body).get(doc)) {
    if (!doc["message"].get_string().get(message)) return std::string(message);
    if (!doc["error"].get_string().get(error)) return std::string(error);
  }
  return body.substr(0, 200);
}

class Requester {
 public:
  Requester(const FetchOptions& o, const BaseUrl& base, FetchSummary* summary)
      : o_(o), base_(base), summary_(summary), client_(base.scheme_host_port), rng_(std::random_device{}()) {
    client_.set_connection_timeout(o.timeout_seconds);
    client_.set_read_timeout(o.timeout_seconds);
    client_.set_keep_alive(true);
    client_.set_follow_location(true);
    std::string agent = "coopscope/0.1";
    if (!o.mailto.empty()) agent += " (mailto:" + o.mailto + ")";
    client_.set_default_headers({{"User-Agent", agent}, {"Accept", "application/json"}});
  }

  // GET /works for CURSOR, retried on 429, 5xx, network errors and bodies
  // that are not a list page.
  Result<Page> Get(const std::string& cursor) {
    httplib::Params params{{"filter", o_.filter}, {"per-page", std::to_string(o_.per_page)}, {"cursor", cursor}};
    if (!o_.mailto.empty()) params.emplace("mailto", o_.mailto);
    if (!o_.api_key.empty()) params.emplace("api_key", o_.api_key);
    const std::string path = base_.prefix + "/works";
    for (int attempt = 0;; ++attempt) {
      ++summary_->requests;
      std::string why;
      std::chrono::milliseconds retry_after{-1};
      auto res = client_.Get(path, params, httplib::Headers{});
      if (!res) {
        why = fmt::format("{} (connection to {})", httplib::to_string(res.error()), base_.scheme_host_port);
      } else if (res->status == 200) {
        Page page;
        page.body = std::move(res->body);
        Status st = ParsePage(&page);
        if (st.ok()) return page;
        why = st.message();
      } else if (res->status == 429 || res->status >= 500) {
        why = fmt::format("HTTP {}", res->status);
        std::string ra = res->get_header_value("Retry-After");
        if (!ra.empty() && std::all_of(ra.begin(), ra.end(), ::isdigit))
          retry_after = std::chrono::milliseconds(std::stoll(ra.substr(0, 9)) * 1000);
      } else if (res->status == 401 || res->status == 403) {
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("OpenAlex refused the request (HTTP {}): {}. The API key is missing, wrong or "
                                  "lacks access: give --api-key KEY (or set OPENALEX_API_KEY)",
                                  res->status, ErrorText(res->body)));
      } else {
        return Status(ErrorCode::kInvalidArgument,
                      fmt::format("OpenAlex refused the request (HTTP {}): {}", res->status, ErrorText(res->body)));
      }
      if (attempt >= o_.max_retries)
        return Status(ErrorCode::kIo, fmt::format("gave up after {} attempts: {}", attempt + 1, why));
      auto delay = Backoff(attempt, retry_after);
      ++summary_->retries;
      if (o_.on_retry) o_.on_retry(why, delay);
      std::this_thread::sleep_for(delay);
    }
  }

 private:
  // Exponential back-off with jitter (half to all of base·2^attempt), capped;
  // a server's Retry-After wins when it says more.
  std::chrono::milliseconds Backoff(int attempt, std::chrono::milliseconds retry_after) {
    int64_t base = o_.retry_base.count();
    int64_t full = std::min<int64_t>(o_.retry_max.count(), base << std::min(attempt, 30));
    int64_t delay = full / 2 + std::uniform_int_distribution<int64_t>(0, full / 2)(rng_);
    if (retry_after.count() >= 0) delay = std::max<int64_t>(delay, retry_after.count());
    return std::chrono::milliseconds(std::min<int64_t>(delay, o_.retry_max.count()));
  }

  const FetchOptions& o_;
  const BaseUrl& base_;
  FetchSummary* summary_;
  httplib::Client client_;
  std::mt19937_64 rng_;
};

}  // namespace

std::string FetchPageName(uint64_t n) { return fmt::format("page_{:06d}.json", n); }

Result<std::string> WorksFilterFor(const Scope& scope, int from, int to) {
  const auto& roots = scope.roots();
  if (roots.empty()) return Status(ErrorCode::kInvalidArgument, "no organisation to fetch");
  if (roots.size() > kMaxOrValues)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} organisations: OpenAlex ORs at most {} in one filter", roots.size(), kMaxOrValues));
  bool all_openalex = std::all_of(roots.begin(), roots.end(), [](const ScopeMember& m) { return m.openalex != 0; });
  std::string filter = all_openalex ? "authorships.institutions.lineage:" : "authorships.institutions.ror:";
  for (size_t i = 0; i < roots.size(); ++i) {
    if (i) filter += '|';
    if (all_openalex) {
      filter += FormatOpenAlexId(roots[i].openalex, 'I');
    } else if (roots[i].ror != 0) {
      filter += FormatRorId(roots[i].ror);
    } else {
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} has neither an OpenAlex id for all roots nor a ROR id", roots[i].name));
    }
  }
  if (from > to) return Status(ErrorCode::kInvalidArgument, fmt::format("--from {} is after --to {}", from, to));
  filter += fmt::format(",publication_year:{}-{}", from, to);
  return filter;
}

Result<FetchSummary> FetchOpenAlexWorks(const FetchOptions& o, const std::string& out_dir) {
  if (o.per_page < 1 || o.per_page > 200)
    return Status(ErrorCode::kInvalidArgument, fmt::format("--per-page {} is outside 1..200", o.per_page));
  auto base = ParseBaseUrl(o.base_url);
  if (!base.ok()) return base.status();
  const fs::path dir(out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kIo, fmt::format("cannot create {}: {}", out_dir, ec.message()));

  FetchSummary summary;
  FetchState state;
  state.filter = o.filter;
  const fs::path state_path = dir / kStateName;
  if (fs::exists(state_path)) {
    auto text = ReadWholeFile(state_path.string());
    if (!text.ok()) return text.status();
    auto loaded = ParseState(state_path.string(), text.value());
    if (!loaded.ok()) return loaded.status();
    if (loaded->filter != o.filter)
      return Status(ErrorCode::kInvalidArgument,
                    fmt::format("{} holds a fetch of another query (filter {}); use another --out folder",
                                out_dir, loaded->filter));
    state = loaded.value();
    summary.resumed = true;
  } else if (!PagesInDir(dir).empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{} holds pages but no {}: use an empty --out folder", out_dir, kStateName));
  } else {
    // A new fetch commits its state before its first page, so that a run
    // killed after writing that page resumes (the page is uncommitted and
    // fetched again) instead of finding pages without a state.
    if (Status st = WriteFileAtomically(state_path.string(), StateText(state)); !st.ok()) return st;
  }
  if (Status st = CleanUncommitted(dir, state.pages); !st.ok()) return st;

  Requester requester(o, base.value(), &summary);
  while (!state.complete && (o.max_pages == 0 || summary.pages_this_run < o.max_pages)) {
    auto page = requester.Get(state.next_cursor);
    if (!page.ok()) {
      summary.pages = state.pages;
      summary.records = state.records;
      return page.status();
    }
    if (state.pages == 0) state.expected = page->count;
    // An empty page ends the walk without being written (OpenAlex returns one
    // past the end); a page with results is committed, then the state.
    if (page->results > 0) {
      FetchState next = state;
      next.pages += 1;
      next.records += page->results;
      if (Status st = WriteFileAtomically((dir / FetchPageName(next.pages)).string(), page->body); !st.ok()) return st;
      state = next;
      ++summary.pages_this_run;
    }
    state.complete = page->results == 0 || page->next_cursor.empty();
    state.next_cursor = state.complete ? "" : page->next_cursor;
    if (Status st = WriteFileAtomically(state_path.string(), StateText(state)); !st.ok()) return st;
    if (o.on_page) o.on_page(state.pages, state.records, state.expected);
  }
  summary.pages = state.pages;
  summary.records = state.records;
  summary.expected = state.expected;
  summary.complete = state.complete;
  return summary;
}

}  // namespace coopscope
