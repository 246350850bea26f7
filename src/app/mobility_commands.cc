// coopscope mobility: bibliometric mobility (classes, tenure events, country
// and organisation flows) from OpenAlex author entities or works; and
// coopscope generate-authors: synthetic author entities for tests and
// benchmarks.  Presentation only: the rules live in src/mobility/.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli_common.h"
#include "app/output.h"
#include "hr/indicators.h"
#include "mobility/reader.h"
#include "synth/author_writer.h"

namespace coopscope {
namespace {

using mobility::ClassCounts;
using mobility::kMobilityClasses;
using mobility::MobilityClass;
using mobility::MobilityClassName;

struct MobilityCommandOptions {
  OrgOptions org;
  std::vector<std::string> inputs;
  std::string years;
  std::string from = "authors";
  uint32_t min_publications = 1;
  std::string format = "table";
  std::string csv_table = "classes";
  std::string output;
  std::string rejects_file;
  bool strict = false;
  size_t max_rejects = 0;
  bool quiet = false;
  size_t top = 15;
  unsigned threads = 0;
  std::vector<std::string> country_rules;
  bool no_overseas = false, no_hkmo = false;
  int min_cell = 5;  // counts of authors under it print as "<5"
};

struct GenerateAuthorsCommandOptions {
  AuthorGenOptions gen;
  std::vector<std::string> registries;
};

struct MobilityCommands {
  CLI::App* mobility = nullptr;
  CLI::App* generate_authors = nullptr;
  MobilityCommandOptions opts;
  GenerateAuthorsCommandOptions gen;
};

MobilityCommands& State() {
  static MobilityCommands commands;
  return commands;
}

std::string C(CountryCode c) { return c == kNoCountry ? "??" : CountryName(c); }

// Small-cell suppression of author counts, the rule of every output
// (hr::IsSmallCount): a count under --min-cell prints as "<N".
int g_min_cell = 5;  // this run's --min-cell, set once before writing
bool Small(uint64_t n) { return hr::IsSmallCount(static_cast<double>(n), g_min_cell); }
std::string N(uint64_t n) { return Small(n) ? hr::SuppressedText(g_min_cell) : std::to_string(n); }
std::string NJ(uint64_t n) { return Small(n) ? JsonString(hr::SuppressedText(g_min_cell)) : std::to_string(n); }
// A net balance: hidden when either side is.
std::string Net(uint64_t in, uint64_t out, bool json, bool sign = false) {
  const std::string hidden = hr::SuppressedText(g_min_cell);
  if (Small(in) || Small(out)) return json ? JsonString(hidden) : hidden;
  int64_t net = static_cast<int64_t>(in) - static_cast<int64_t>(out);
  return sign ? fmt::format("{:+}", net) : std::to_string(net);
}
std::string FlowsNet(const mobility::CountryYearFlows& f, bool json, bool sign = false) {
  return Net(f.in_migrants + f.in_travellers, f.out_migrants + f.out_travellers, json, sign);
}

const MobilityClass kClasses[] = {MobilityClass::kNonMobile, MobilityClass::kMigrant,
                                  MobilityClass::kDirectionalTraveller, MobilityClass::kNonDirectionalTraveller,
                                  MobilityClass::kUnclassified};

std::string ClassCountsJson(const ClassCounts& c) {
  std::string s = "{";
  for (int i = 0; i < kMobilityClasses; ++i) {
    MobilityClass k = kClasses[i];
    s += fmt::format("{}{}:{}", i ? "," : "", JsonString(MobilityClassName(k)), NJ(c[static_cast<int>(k)]));
  }
  return s + "}";
}

std::string CountryMapJson(const std::map<CountryCode, uint64_t>& m) {
  std::string s = "{";
  bool first = true;
  for (const auto& [c, n] : m) {
    s += fmt::format("{}{}:{}", first ? "" : ",", JsonString(C(c)), NJ(n));
    first = false;
  }
  return s + "}";
}

uint64_t Total(const ClassCounts& c) {
  uint64_t t = 0;
  for (uint64_t x : c) t += x;
  return t;
}

// Travellers of both kinds.
uint64_t Travellers(const ClassCounts& c) {
  return c[static_cast<int>(MobilityClass::kDirectionalTraveller)] +
         c[static_cast<int>(MobilityClass::kNonDirectionalTraveller)];
}

std::string TopCountries(const std::map<CountryCode, uint64_t>& m, size_t n) {
  std::vector<std::pair<CountryCode, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string s;
  for (size_t i = 0; i < v.size() && i < n; ++i) s += fmt::format("{}{} {}", i ? ", " : "", C(v[i].first), N(v[i].second));
  return s;
}

// Country totals over the window, for the table's ranking.
std::map<CountryCode, mobility::CountryYearFlows> CountryTotals(const mobility::MobilityTally& t) {
  std::map<CountryCode, mobility::CountryYearFlows> out;
  for (const auto& [k, v] : t.countries) out[k.first].Merge(v);
  return out;
}

void WriteTable(const MobilityCommandOptions& o, const mobility::MobilityRun& run, const Scope* scope,
                std::ostream& out) {
  const auto& t = run.tally;
  const uint64_t classified = Total(t.authors) - t.authors[0];
  fmt::print(out, "Bibliometric mobility ({} from {}), years {}\n", o.from == "works" ? "author × year × countries" : "author entities",
             o.from, o.years.empty() ? "all" : o.years);
  fmt::print(out, "records read {} = accepted {} + rejected {} + duplicates {}; authors {}\n\n", run.counts.read,
             run.counts.accepted, run.counts.rejected, run.counts.duplicates, run.counts.authors);
  fmt::print(out, "{:<28}{:>10}{:>9}\n", "class", "authors", "share");
  for (MobilityClass k : kClasses) {
    uint64_t n = t.authors[static_cast<int>(k)];
    std::string share = k == MobilityClass::kUnclassified || classified == 0
                            ? ""
                            : fmt::format("{:.1f}%", 100.0 * static_cast<double>(n) / static_cast<double>(classified));
    fmt::print(out, "{:<28}{:>10}{:>9}\n", MobilityClassName(k), N(n), Small(n) ? "" : share);
  }
  fmt::print(out, "\ntenure events: migrations {}, temporary stays {}, returns {}\n",
             N(t.events[static_cast<int>(mobility::TenureKind::kMigration)]),
             N(t.events[static_cast<int>(mobility::TenureKind::kTemporaryStay)]),
             N(t.events[static_cast<int>(mobility::TenureKind::kReturn)]));
  if (scope != nullptr) {
    fmt::print(out, "\nOrganisation {}: authors present, entering and leaving per year\n", scope->name());
    fmt::print(out, "{:<6}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}  {}\n", "year", "present", "in", "in-mig", "in-trav",
               "out", "out-mig", "out-trav", "net  (origins → / → destinations)");
    for (const auto& [year, f] : t.org) {
      fmt::print(out, "{:<6}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}  {}  ({} / {})\n", year, N(Total(f.present)),
                 N(f.TotalIncoming()), N(f.incoming[static_cast<int>(MobilityClass::kMigrant)]),
                 N(Travellers(f.incoming)), N(f.TotalOutgoing()), N(f.outgoing[static_cast<int>(MobilityClass::kMigrant)]),
                 N(Travellers(f.outgoing)), Net(f.TotalIncoming(), f.TotalOutgoing(), false, true),
                 TopCountries(f.origins, 3), TopCountries(f.destinations, 3));
    }
  }
  auto totals = CountryTotals(t);
  std::vector<std::pair<CountryCode, mobility::CountryYearFlows>> v(totals.begin(), totals.end());
  auto volume = [](const mobility::CountryYearFlows& f) {
    return f.in_migrants + f.out_migrants + f.in_travellers + f.out_travellers;
  };
  std::stable_sort(v.begin(), v.end(), [&](const auto& a, const auto& b) { return volume(a.second) > volume(b.second); });
  fmt::print(out, "\nCountries (whole window), by volume of moves\n");
  fmt::print(out, "{:<8}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}\n", "country", "in-mig", "out-mig", "in-trav", "out-trav",
             "returns", "net");
  for (size_t i = 0; i < v.size() && i < o.top; ++i) {
    const auto& f = v[i].second;
    fmt::print(out, "{:<8}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}\n", C(v[i].first), N(f.in_migrants), N(f.out_migrants),
               N(f.in_travellers), N(f.out_travellers), N(f.returns), FlowsNet(f, false, true));
  }
}

Status WriteCsv(const MobilityCommandOptions& o, const mobility::MobilityRun& run, std::ostream& out) {
  const auto& t = run.tally;
  if (o.csv_table == "classes") {
    out << "class,authors\n";
    for (MobilityClass k : kClasses) out << MobilityClassName(k) << ',' << N(t.authors[static_cast<int>(k)]) << '\n';
  } else if (o.csv_table == "origins") {
    out << "origin_country";
    for (MobilityClass k : kClasses) out << ',' << MobilityClassName(k);
    out << '\n';
    for (const auto& [c, counts] : t.by_origin) {
      out << C(c);
      for (MobilityClass k : kClasses) out << ',' << N(counts[static_cast<int>(k)]);
      out << '\n';
    }
  } else if (o.csv_table == "countries") {
    out << "country,year,in_migrants,out_migrants,in_travellers,out_travellers,returns,net\n";
    for (const auto& [k, f] : t.countries)
      out << fmt::format("{},{},{},{},{},{},{},{}\n", C(k.first), k.second, N(f.in_migrants), N(f.out_migrants),
                         N(f.in_travellers), N(f.out_travellers), N(f.returns), FlowsNet(f, false));
  } else if (o.csv_table == "pairs") {
    out << "origin,destination,year,kind,authors\n";
    for (const auto& [k, n] : t.pairs)
      out << fmt::format("{},{},{},{},{}\n", C(k.from), C(k.to), k.year,
                         k.kind == mobility::FlowKind::kMigrant ? "migrant" : "traveller", N(n));
  } else if (o.csv_table == "events") {
    out << "kind,year,years_abroad,authors\n";
    for (const auto& [k, n] : t.event_lengths)
      out << fmt::format("{},{},{},{}\n", mobility::TenureKindName(std::get<0>(k)), std::get<1>(k), std::get<2>(k), N(n));
  } else if (o.csv_table == "org") {
    out << "year,class,present,incoming,outgoing\n";
    for (const auto& [year, f] : t.org)
      for (MobilityClass k : kClasses) {
        int i = static_cast<int>(k);
        if (f.present[i] + f.incoming[i] + f.outgoing[i] == 0) continue;
        out << fmt::format("{},{},{},{},{}\n", year, MobilityClassName(k), N(f.present[i]), N(f.incoming[i]),
                           N(f.outgoing[i]));
      }
  } else if (o.csv_table == "org-countries") {
    out << "year,direction,country,authors\n";
    for (const auto& [year, f] : t.org) {
      for (const auto& [c, n] : f.origins) out << fmt::format("{},incoming,{},{}\n", year, C(c), N(n));
      for (const auto& [c, n] : f.destinations) out << fmt::format("{},outgoing,{},{}\n", year, C(c), N(n));
    }
  } else {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("--csv-table '{}': choose classes, origins, countries, pairs, events, org or org-countries",
                              o.csv_table));
  }
  return Status::Ok();
}

void WriteJson(const MobilityCommandOptions& o, const mobility::MobilityOptions& mo, const mobility::MobilityRun& run,
               const Scope* scope, std::ostream& out) {
  const auto& t = run.tally;
  const auto& c = run.counts;
  out << "{\"schema\":\"coopscope/mobility\",\"version\":1,";
  out << fmt::format("\"options\":{{\"from\":{},\"first_year\":{},\"last_year\":{},\"min_publications\":{},"
                     "\"min_cell\":{}}},",
                     JsonString(o.from), mo.first_year, mo.last_year, mo.min_publications, o.min_cell);
  out << fmt::format("\"input\":{{\"files\":{},\"read\":{},\"accepted\":{},\"rejected\":{},\"duplicates\":{},"
                     "\"merged_dropped\":{},\"authors\":{}}},",
                     c.files, c.read, c.accepted, c.rejected, c.duplicates, c.merged_dropped, c.authors);
  out << "\"classes\":" << ClassCountsJson(t.authors) << ',';
  out << fmt::format("\"events\":{{\"migration\":{},\"temporary_stay\":{},\"return\":{}}},",
                     NJ(t.events[static_cast<int>(mobility::TenureKind::kMigration)]),
                     NJ(t.events[static_cast<int>(mobility::TenureKind::kTemporaryStay)]),
                     NJ(t.events[static_cast<int>(mobility::TenureKind::kReturn)]));
  out << "\"origins\":[";
  bool first = true;
  for (const auto& [country, counts] : t.by_origin) {
    out << (first ? "" : ",") << "{\"country\":" << JsonString(C(country)) << ",\"classes\":" << ClassCountsJson(counts)
        << '}';
    first = false;
  }
  out << "],\"countries\":[";
  first = true;
  for (const auto& [k, f] : t.countries) {
    out << fmt::format("{}{{\"country\":{},\"year\":{},\"in_migrants\":{},\"out_migrants\":{},\"in_travellers\":{},"
                       "\"out_travellers\":{},\"returns\":{},\"net\":{}}}",
                       first ? "" : ",", JsonString(C(k.first)), k.second, NJ(f.in_migrants), NJ(f.out_migrants),
                       NJ(f.in_travellers), NJ(f.out_travellers), NJ(f.returns), FlowsNet(f, true));
    first = false;
  }
  out << "],\"pairs\":[";
  first = true;
  for (const auto& [k, n] : t.pairs) {
    out << fmt::format("{}{{\"origin\":{},\"destination\":{},\"year\":{},\"kind\":\"{}\",\"authors\":{}}}",
                       first ? "" : ",", JsonString(C(k.from)), JsonString(C(k.to)), k.year,
                       k.kind == mobility::FlowKind::kMigrant ? "migrant" : "traveller", NJ(n));
    first = false;
  }
  out << "],\"event_lengths\":[";
  first = true;
  for (const auto& [k, n] : t.event_lengths) {
    out << fmt::format("{}{{\"kind\":\"{}\",\"year\":{},\"years_abroad\":{},\"authors\":{}}}", first ? "" : ",",
                       mobility::TenureKindName(std::get<0>(k)), std::get<1>(k), std::get<2>(k), NJ(n));
    first = false;
  }
  out << ']';
  if (scope != nullptr) {
    out << ",\"organisation\":{\"name\":" << JsonString(scope->name()) << ",\"years\":[";
    first = true;
    for (const auto& [year, f] : t.org) {
      out << fmt::format("{}{{\"year\":{},\"present\":{},\"incoming\":{},\"outgoing\":{},\"net\":{},\"origins\":{},"
                         "\"destinations\":{}}}",
                         first ? "" : ",", year, ClassCountsJson(f.present), ClassCountsJson(f.incoming),
                         ClassCountsJson(f.outgoing), Net(f.TotalIncoming(), f.TotalOutgoing(), true),
                         CountryMapJson(f.origins),
                         CountryMapJson(f.destinations));
      first = false;
    }
    out << "]}";
  }
  out << "}\n";
}

int RunMobility(const MobilityCommandOptions& o) {
  if (o.format != "table" && o.format != "csv" && o.format != "json")
    return Fail(kExitUsage, fmt::format("--format '{}': choose table, csv or json", o.format));
  if (o.from != "authors" && o.from != "works")
    return Fail(kExitUsage, fmt::format("--from '{}': choose authors or works", o.from));
  if (o.inputs.empty()) return Fail(kExitUsage, "give the author (or, with --from works, work) files or folders");
  mobility::MobilityOptions mo;
  if (!ParseYears(o.years, &mo.first_year, &mo.last_year))
    return Fail(kExitUsage, fmt::format("--years '{}': give YYYY or YYYY-YYYY", o.years));
  mo.min_publications = o.min_publications;
  if (o.min_cell < 0) return Fail(kExitUsage, "--min-cell must be 0 or more");
  g_min_cell = o.min_cell;
  auto policy = MakePolicy(o.no_overseas, o.no_hkmo, o.country_rules);
  if (!policy.ok()) return Fail(kExitUsage, policy.status().message());
  Registry registry;
  RejectLog registry_rejects;
  if (int rc = LoadRegistries(o.org.registries, &registry, &registry_rejects); rc != kExitOk) return rc;
  std::unique_ptr<Scope> scope;
  if (!o.org.orgs.empty() || !o.org.scope_file.empty())
    if (int rc = BuildScope(o.org, registry, &scope); rc != kExitOk) return rc;
  mobility::InstitutionResolver resolver(&registry, scope.get(), &policy.value());
  std::vector<Reject> rejects;
  Limits limits;
  auto run = mobility::CollectMobility(o.inputs, o.from == "works" ? mobility::MobilitySource::kWorks
                                                                  : mobility::MobilitySource::kAuthors,
                                       mo, resolver, limits, &rejects, nullptr, o.threads);
  RejectLog log;
  for (auto& r : rejects) log.Add(std::move(r));
  if (!o.rejects_file.empty())
    if (Status st = log.WriteTsv(o.rejects_file); !st.ok()) return Fail(kExitInput, st.message());
  if (!run.ok()) return Fail(ExitFor(run.status()), run.status().message());
  if (log.size() > 0) {
    auto sorted = log.Sorted();
    if (o.strict) return Fail(kExitRejects, fmt::format("a record was rejected (--strict): {}", sorted.front().ToString()));
    if (!o.quiet)
      fmt::print(stderr, "coopscope: {} records rejected{}; first: {}\n", log.size(),
                 o.rejects_file.empty() ? " (list them with --rejects FILE)" : "", sorted.front().ToString());
    if (o.max_rejects > 0 && log.size() > o.max_rejects)
      return Fail(kExitRejects, fmt::format("{} rejects, over --max-rejects {}", log.size(), o.max_rejects));
  }
  std::ofstream file;
  if (!o.output.empty()) {
    file.open(o.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(kExitInput, fmt::format("cannot write {}", o.output));
  }
  std::ostream& out = o.output.empty() ? std::cout : file;
  if (o.format == "table") {
    WriteTable(o, run.value(), scope.get(), out);
  } else if (o.format == "csv") {
    if (Status st = WriteCsv(o, run.value(), out); !st.ok()) return Fail(kExitUsage, st.message());
  } else {
    WriteJson(o, mo, run.value(), scope.get(), out);
  }
  out.flush();
  if (!out) return Fail(kExitInput, "cannot write the output");
  return kExitOk;
}

int RunGenerateAuthors(const GenerateAuthorsCommandOptions& o) {
  Registry registry;
  RejectLog rejects;
  if (o.registries.empty()) return Fail(kExitUsage, "give --registry ROR.json.gz: institutions are drawn from it");
  if (int rc = LoadRegistries(o.registries, &registry, &rejects); rc != kExitOk) return rc;
  auto summary = GenerateAuthors(o.gen, registry);
  if (!summary.ok()) return Fail(ExitFor(summary.status()), summary.status().message());
  const auto& e = summary.value().expected;
  fmt::print("{} authors written ({} bytes); expected classes: non-mobile {}, migrant {}, directional-traveller {}, "
             "non-directional-traveller {}, unclassified {}\n",
             summary.value().records, summary.value().bytes, e[1], e[2], e[3], e[4], e[0]);
  return kExitOk;
}

}  // namespace

void RegisterMobilityCommands(CLI::App& app) {
  MobilityCommands& c = State();
  MobilityCommandOptions& o = c.opts;
  c.mobility = app.add_subcommand("mobility", "Bibliometric mobility (brain circulation) from OpenAlex authors or works");
  AddOrgOptions(c.mobility, &o.org);
  c.mobility->add_option("inputs", o.inputs, "Author entity files/folders (or works with --from works)");
  c.mobility->add_option("--years", o.years, "Year window, e.g. 2010-2020 (default: every year)");
  c.mobility->add_option("--from", o.from, "authors (entities with affiliations[].years) or works")->capture_default_str();
  c.mobility->add_option("--min-publications", o.min_publications, "Fewer publications in the window: unclassified")
      ->capture_default_str();
  c.mobility->add_option("--format", o.format, "table, csv or json")->capture_default_str();
  c.mobility->add_option("--csv-table", o.csv_table, "With --format csv: classes, origins, countries, pairs, events, org or org-countries")
      ->capture_default_str();
  c.mobility->add_option("-o,--output", o.output, "Write to this file instead of stdout");
  c.mobility->add_option("--rejects", o.rejects_file, "Write every reject as TSV");
  c.mobility->add_flag("--strict", o.strict, "Fail (exit 3) when a record is rejected");
  c.mobility->add_option("--max-rejects", o.max_rejects, "Fail (exit 3) past this many rejects (0: no limit)");
  c.mobility->add_flag("-q,--quiet", o.quiet, "No notes on stderr");
  c.mobility->add_option("--top", o.top, "Countries in the table")->capture_default_str();
  c.mobility->add_option("--min-cell", o.min_cell, "Counts of authors under this print as <N (0: none)")
      ->capture_default_str();
  c.mobility->add_option("--threads", o.threads, "Threads reading author files (0: one per core)")
      ->capture_default_str();
  c.mobility->add_option("--country-rule", o.country_rules, "Count a country as another: XX=YY; repeatable")
      ->allow_extra_args(false);
  c.mobility->add_flag("--no-overseas-as-fr", o.no_overseas, "Keep French overseas codes apart");
  c.mobility->add_flag("--no-hk-mo-as-cn", o.no_hkmo, "Keep HK and MO apart from CN");

  GenerateAuthorsCommandOptions& g = c.gen;
  c.generate_authors = app.add_subcommand("generate-authors", "Synthetic OpenAlex author entities with a known mobility mix");
  c.generate_authors->add_option("--out", g.gen.out_dir, "Output folder (authors/ is written inside)")->required();
  c.generate_authors->add_option("--authors", g.gen.authors, "Number of authors")->capture_default_str();
  c.generate_authors->add_option("--seed", g.gen.seed, "Seed")->capture_default_str();
  c.generate_authors->add_option("--parts", g.gen.parts, "Part files")->capture_default_str();
  c.generate_authors->add_option("--compression", g.gen.compression, "none, gz or zst")->capture_default_str();
  AddRegistryOption(c.generate_authors, &g.registries);
}

int RunMobilityCommands() {
  MobilityCommands& c = State();
  if (c.mobility != nullptr && c.mobility->parsed()) return RunMobility(c.opts);
  if (c.generate_authors != nullptr && c.generate_authors->parsed()) return RunGenerateAuthors(c.gen);
  return -1;
}

}  // namespace coopscope
