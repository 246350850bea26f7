// coopscope fetch openalex against a loopback HTTP server that replays real
// OpenAlex pages of ../shared/data (the two raw list pages as received, then
// the 340 real works of works_unique.jsonl split into pages with cursors) and
// injects failures: paging, retries on 429/5xx, 401/403, resume after kill -9,
// and the folder read back by `coopscope indicators`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "fetch/openalex_fetch.h"
#include "registry/registry.h"
#include "test_util.h"

namespace coopscope::testing {
namespace {
namespace fs = std::filesystem;

const std::string kDir = SharedData("openalex-works-openalexpro/");
constexpr int kTruncatedBody = 999;  // an injected "failure": 200 with half a page

std::vector<std::string> IdsOfPage(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  std::vector<std::string> ids;
  for (simdjson::dom::element w : doc["results"].get_array()) ids.emplace_back(std::string_view(w["id"]));
  return ids;
}

std::string CursorOf(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(body);
  return std::string(std::string_view(doc["meta"]["next_cursor"]));
}

// Serves /works: page 1 and 2 are the raw API pages of ../shared/data byte for
// byte (their own meta.next_cursor leads on); then the works of
// works_unique.jsonl, each line verbatim, WORKS_PER_PAGE to a page.
class ReplayServer {
 public:
  explicit ReplayServer(size_t works_per_page = 40) {
    pages_.push_back(ReadFile(kDir + "api_page_search_biodiversity_finance_2026.json"));
    pages_.push_back(ReadFile(kDir + "api_page_keypapers_2025.json"));
    cursors_.push_back("*");
    cursors_.push_back(CursorOf(pages_[0]));
    cursors_.push_back(CursorOf(pages_[1]));
    std::istringstream lines(ReadFile(kDir + "works_unique.jsonl"));
    std::vector<std::string> works;
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) works.push_back(line);
    for (size_t start = 0; start < works.size(); start += works_per_page) {
      size_t end = std::min(works.size(), start + works_per_page);
      bool last = end == works.size();
      std::string next = last ? "null" : "\"replay-cursor-" + std::to_string(pages_.size() + 1) + "\"";
      std::string body = "{\"meta\":{\"count\":" + std::to_string(works.size()) +
                         ",\"db_response_time_ms\":1,\"page\":null,\"per_page\":" + std::to_string(works_per_page) +
                         ",\"next_cursor\":" + next + ",\"groups_count\":null},\"results\":[";
      for (size_t i = start; i < end; ++i) body += (i > start ? "," : "") + works[i];
      body += "],\"group_by\":[]}";
      pages_.push_back(body);
      if (!last) cursors_.push_back("replay-cursor-" + std::to_string(pages_.size()));
    }
    for (const auto& page : pages_)
      for (auto& id : IdsOfPage(page)) served_ids_.push_back(id);

    server_.Get("/works", [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ReplayServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  size_t pages() const { return pages_.size(); }
  const std::vector<std::string>& served_ids() const { return served_ids_; }
  // Request number (0-based, all requests) → HTTP status to answer instead.
  void Fail(std::map<int, int> statuses) {
    std::lock_guard lock(mu_);
    failures_ = std::move(statuses);
  }
  void FailFrom(int request, int status) {
    std::lock_guard lock(mu_);
    fail_from_ = request;
    fail_from_status_ = status;
  }
  void SetDelay(std::chrono::milliseconds delay) { delay_ = delay; }
  void RequireApiKey(const std::string& key) { api_key_ = key; }
  void ExpectFilter(const std::string& filter) { filter_ = filter; }
  int requests() const { return requests_; }
  std::vector<httplib::Params> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
    int status = 0;
    {
      std::lock_guard lock(mu_);
      int n = requests_++;
      seen_.push_back(req.params);
      if (auto it = failures_.find(n); it != failures_.end()) status = it->second;
      if (fail_from_ >= 0 && n >= fail_from_) status = fail_from_status_;
    }
    auto error = [&](int code, const std::string& message) {
      res.status = code;
      res.set_content("{\"error\":\"" + message + "\",\"message\":\"" + message + "\"}", "application/json");
    };
    if (!api_key_.empty()) {
      std::string key = req.get_param_value("api_key");
      if (key.empty()) return error(401, "API key required");
      if (key != api_key_) return error(403, "Invalid API key");
    }
    if (status == 429) {
      res.set_header("Retry-After", "0");
      return error(429, "Too many requests");
    }
    if (status >= 500 && status < 600) return error(status, "Server error");
    if (!filter_.empty() && req.get_param_value("filter") != filter_) return error(400, "unexpected filter");
    std::string cursor = req.get_param_value("cursor");
    auto it = std::find(cursors_.begin(), cursors_.end(), cursor);
    if (it == cursors_.end()) return error(400, "Invalid cursor");
    const std::string& body = pages_[it - cursors_.begin()];
    res.set_content(status == kTruncatedBody ? body.substr(0, body.size() / 2) : body, "application/json");
  }

  std::vector<std::string> pages_, cursors_, served_ids_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::map<int, int> failures_;
  int fail_from_ = -1, fail_from_status_ = 0;
  std::atomic<int> requests_{0};
  std::vector<httplib::Params> seen_;
  std::chrono::milliseconds delay_{0};
  std::string api_key_, filter_;
};

// The ids of every page of DIR, in page order; fails on a gap in numbering.
std::vector<std::string> FetchedIds(const std::string& dir, size_t* pages = nullptr) {
  std::vector<std::string> ids;
  size_t n = 0;
  for (;; ++n) {
    std::string path = dir + "/" + FetchPageName(n + 1);
    if (!fs::exists(path)) break;
    for (auto& id : IdsOfPage(ReadFile(path))) ids.push_back(id);
  }
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".json";
  EXPECT_EQ(files, n) << "page files outside 1.." << n << " in " << dir;
  if (pages) *pages = n;
  return ids;
}

FetchOptions Options(const ReplayServer& server) {
  FetchOptions o;
  o.base_url = server.url();
  o.filter = "authorships.institutions.lineage:I55633929,publication_year:2015-2024";
  o.mailto = "coopscope-tests@example.org";
  o.retry_base = std::chrono::milliseconds(1);
  o.retry_max = std::chrono::milliseconds(20);
  o.timeout_seconds = 5;
  return o;
}

TEST(Fetch, FollowsCursorsThroughEveryPage) {
  ReplayServer server;
  TempDir dir;
  FetchOptions o = Options(server);
  server.ExpectFilter(o.filter);
  auto done = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_TRUE(done->complete);
  EXPECT_FALSE(done->resumed);
  EXPECT_EQ(done->pages, server.pages());
  EXPECT_EQ(done->records, server.served_ids().size());
  EXPECT_EQ(done->records, 200u + 2u + 340u);
  EXPECT_EQ(done->expected, 429u);  // meta.count of the first real page
  EXPECT_EQ(done->retries, 0u);
  EXPECT_EQ(FetchedIds(dir.File("out")), server.served_ids());
  // Page 1 is the server's body byte for byte.
  EXPECT_EQ(ReadFile(dir.File("out/page_000001.json")),
            ReadFile(kDir + "api_page_search_biodiversity_finance_2026.json"));
  auto seen = server.seen();
  ASSERT_EQ(seen.size(), server.pages());
  EXPECT_EQ(seen[0].find("cursor")->second, "*");
  EXPECT_EQ(seen[0].find("per-page")->second, "200");
  EXPECT_EQ(seen[0].find("mailto")->second, "coopscope-tests@example.org");
  EXPECT_EQ(seen[0].count("api_key"), 0u);
  // Running again on a complete folder asks nothing more.
  auto again = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->resumed && again->complete);
  EXPECT_EQ(again->requests, 0u);
  EXPECT_EQ(FetchedIds(dir.File("out")), server.served_ids());
}

TEST(Fetch, MaxPagesStopsAndTheNextRunGoesOn) {
  ReplayServer server;
  TempDir dir;
  FetchOptions o = Options(server);
  o.max_pages = 3;
  auto first = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->complete);
  EXPECT_EQ(first->pages, 3u);
  o.max_pages = 0;
  auto rest = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(rest.ok()) << rest.status().message();
  EXPECT_TRUE(rest->resumed && rest->complete);
  EXPECT_EQ(rest->requests, server.pages() - 3);
  EXPECT_EQ(FetchedIds(dir.File("out")), server.served_ids());
}

TEST(Fetch, RetriesOn429And5xxAndBrokenBodies) {
  ReplayServer server;
  TempDir dir;
  server.Fail({{1, 429}, {2, 500}, {4, 503}, {5, 502}, {6, kTruncatedBody}, {9, 504}});
  std::vector<std::string> reasons;
  FetchOptions o = Options(server);
  o.on_retry = [&](const std::string& why, std::chrono::milliseconds) { reasons.push_back(why); };
  auto done = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_TRUE(done->complete);
  EXPECT_EQ(done->retries, 6u);
  EXPECT_EQ(done->requests, server.pages() + 6);
  ASSERT_EQ(reasons.size(), 6u);
  EXPECT_EQ(reasons[0], "HTTP 429");
  EXPECT_EQ(reasons[1], "HTTP 500");
  EXPECT_NE(reasons[4].find("not JSON"), std::string::npos) << reasons[4];
  EXPECT_EQ(FetchedIds(dir.File("out")), server.served_ids());
}

TEST(Fetch, GivesUpAfterMaxRetriesAndResumesLater) {
  ReplayServer server;
  TempDir dir;
  server.FailFrom(3, 500);
  FetchOptions o = Options(server);
  o.max_retries = 2;
  auto failed = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kIo);
  EXPECT_EQ(failed.status().message(), "gave up after 3 attempts: HTTP 500");
  EXPECT_EQ(server.requests(), 6);
  size_t pages = 0;
  FetchedIds(dir.File("out"), &pages);
  EXPECT_EQ(pages, 3u);
  server.FailFrom(-1, 0);
  auto done = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_TRUE(done->resumed && done->complete);
  EXPECT_EQ(FetchedIds(dir.File("out")), server.served_ids());
}

// A new fetch commits its state before its first page: a run that fails (or
// is killed) on the first page leaves a state to resume from, and a first
// page written without its state is fetched again rather than refused.
TEST(Fetch, AFirstPageWithoutItsStateIsFetchedAgain) {
  ReplayServer server;
  TempDir dir;
  server.FailFrom(0, 500);
  FetchOptions o = Options(server);
  o.max_retries = 0;
  ASSERT_FALSE(FetchOpenAlexWorks(o, dir.File("out")).ok());
  EXPECT_TRUE(fs::exists(dir.File("out/fetch.state")));
  // What a kill between the first page and its state leaves: the page.
  fs::copy_file(kDir + "api_page_search_biodiversity_finance_2026.json", dir.File("out/" + FetchPageName(1)));
  server.FailFrom(-1, 0);
  auto done = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_TRUE(done->resumed && done->complete);
  EXPECT_EQ(FetchedIds(dir.File("out")), server.served_ids());
}

TEST(Fetch, UnauthorizedAndForbiddenAreClearErrors) {
  ReplayServer server;
  server.RequireApiKey("right-key");
  TempDir dir;
  const std::string d = dir.path().string();
  const std::string args = "fetch openalex --org I55633929 --base-url " + server.url() + " --retry-base-ms 1 --out ";
  auto missing = RunCli(args + dir.File("a"), d);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("HTTP 401"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("--api-key"), std::string::npos) << missing.err;
  auto wrong = RunCli(args + dir.File("b") + " --api-key wrong-key", d);
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("HTTP 403"), std::string::npos) << wrong.err;
  EXPECT_NE(wrong.err.find("Invalid API key"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("wrong-key"), std::string::npos) << "the key is not echoed";
  EXPECT_EQ(server.requests(), 2);  // neither is retried
  EXPECT_TRUE(FetchedIds(dir.File("a")).empty());
  std::string env_args = "OPENALEX_API_KEY=right-key " + std::string(COOPSCOPE_BINARY);
  int rc = std::system((env_args + " fetch openalex -q --org I55633929 --base-url " + server.url() + " --out " +
                        dir.File("d") + " 2>/dev/null")
                           .c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  EXPECT_EQ(FetchedIds(dir.File("d")), server.served_ids());
}

TEST(Fetch, RefusesAFolderOfAnotherQuery) {
  ReplayServer server;
  TempDir dir;
  FetchOptions o = Options(server);
  o.max_pages = 1;
  ASSERT_TRUE(FetchOpenAlexWorks(o, dir.File("out")).ok());
  o.filter = "authorships.institutions.lineage:I1294671590,publication_year:2015-2024";
  auto other = FetchOpenAlexWorks(o, dir.File("out"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("another query"), std::string::npos);
}

TEST(Fetch, OrganisationBecomesTheDocumentedFilter) {
  Registry empty;
  ScopeSpec spec;
  spec.roots = {"I1294671590"};
  auto scope = Scope::Build(spec, empty);
  ASSERT_TRUE(scope.ok());
  auto filter = WorksFilterFor(scope.value(), 2015, 2024);
  ASSERT_TRUE(filter.ok());
  EXPECT_EQ(filter.value(), "authorships.institutions.lineage:I1294671590,publication_year:2015-2024");

  Registry ror;
  RejectLog rejects;
  ASSERT_TRUE(ror.Load(SharedData("ror-records-subset/ror_v2_subset_latest.json.gz"), &rejects).ok());
  spec.roots = {"Centre National de la Recherche Scientifique"};
  auto by_name = Scope::Build(spec, ror);
  ASSERT_TRUE(by_name.ok()) << by_name.status().message();
  EXPECT_EQ(WorksFilterFor(by_name.value(), 2020, 2020).value(),
            "authorships.institutions.ror:02feahw73,publication_year:2020-2020");
  spec.roots = {"02feahw73", "https://ror.org/01ggx4157"};
  auto two = Scope::Build(spec, ror);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(WorksFilterFor(two.value(), 2015, 2024).value(),
            "authorships.institutions.ror:02feahw73|01ggx4157,publication_year:2015-2024");
  EXPECT_FALSE(WorksFilterFor(two.value(), 2024, 2015).ok());
}

TEST(Fetch, FolderIsReadByIndicatorsLikeTheSourceFiles) {
  ReplayServer server;
  server.ExpectFilter("authorships.institutions.lineage:I55633929,publication_year:2015-2024");
  TempDir dir;
  const std::string d = dir.path().string();
  auto fetched = RunCli("fetch openalex --org I55633929 --from 2015 --to 2024 --mailto a@example.org --base-url " +
                            server.url() + " --out " + dir.File("out"),
                        d);
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  EXPECT_NE(fetched.err.find(std::to_string(server.pages()) + " pages, 542 works, complete"), std::string::npos)
      << fetched.err;
  const std::string query = "indicators -q --org I55633929 --format json ";
  auto from_fetch = RunCli(query + dir.File("out"), d);
  ASSERT_EQ(from_fetch.exit_code, 0) << from_fetch.err;
  auto from_sources = RunCli(query + kDir + "api_page_search_biodiversity_finance_2026.json " + kDir +
                                 "api_page_keypapers_2025.json " + kDir + "works_unique.jsonl",
                             d);
  ASSERT_EQ(from_sources.exit_code, 0) << from_sources.err;
  // Equal but for the ingest's file and byte counts (11 pages against 3 files).
  std::regex files_bytes("\"files\": [0-9]+, \"bytes\": [0-9]+");
  EXPECT_EQ(std::regex_replace(from_fetch.out, files_bytes, ""), std::regex_replace(from_sources.out, files_bytes, ""));
  EXPECT_NE(from_fetch.out.find("\"files\": " + std::to_string(server.pages())), std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(from_fetch.out);
  EXPECT_EQ(uint64_t(doc["ingest"]["read"]), 542u);
  EXPECT_EQ(uint64_t(doc["ingest"]["rejected"]), 0u);
  EXPECT_EQ(uint64_t(doc["ingest"]["duplicates"]), 202u);  // the two raw pages' works are in works_unique too
  EXPECT_GT(uint64_t(doc["total"]["p"]), 0u);
}

TEST(FetchSlow, KilledRunsResumeWithNoDuplicateAndNoGap) {
  ReplayServer server(20);  // 2 real pages + 17 pages of works
  server.SetDelay(std::chrono::milliseconds(4));
  TempDir dir;
  const std::string d = dir.path().string();
  const std::string args = "fetch openalex -q --org I55633929 --retry-base-ms 1 --base-url " + server.url() + " --out ";
  ASSERT_EQ(RunCli(args + dir.File("whole"), d).exit_code, 0);
  ASSERT_EQ(FetchedIds(dir.File("whole")), server.served_ids());
  const int kKills = 12;
  int partial = 0;
  for (int k = 0; k < kKills; ++k) {
    std::string out = dir.File("k" + std::to_string(k));
    // Several kills in a row, each run going on from the last one's state.
    // Each waits for a number of pages saved (not for a time, which a loaded
    // machine stretches), then up to one page's delay more: the kill lands
    // while a page is fetched or written.
    for (int round = 0; round < 3; ++round) {
      const std::string target = out + "/" + FetchPageName(1 + (k * 3 + round) % (server.pages() - 2));
      RunAndKillWhen(args + out, [&] { return fs::exists(target); }, (k + round) % 5 * 1000);
      size_t pages = 0;
      if (fs::exists(out)) {
        std::vector<std::string> ids = FetchedIds(out, &pages);
        ASSERT_LE(ids.size(), server.served_ids().size());
        EXPECT_TRUE(std::equal(ids.begin(), ids.end(), server.served_ids().begin())) << "kill " << k;
      }
      partial += pages > 0 && pages < server.pages();
    }
    auto resumed = RunCli(args + out, d);
    ASSERT_EQ(resumed.exit_code, 0) << "kill " << k << ": " << resumed.err;
    EXPECT_EQ(FetchedIds(out), server.served_ids()) << "kill " << k;
    for (const auto& e : fs::directory_iterator(out))
      EXPECT_FALSE(e.path().string().ends_with(".tmp")) << e.path();
  }
  EXPECT_GT(partial, kKills / 2) << "the kills should land mid-fetch";
}

}  // namespace
}  // namespace coopscope::testing
