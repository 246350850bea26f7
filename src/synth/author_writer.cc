// The synthetic author generator (see author_writer.h).  Author i is a pure
// function of (seed, i): its planned class, origin and destination countries,
// institutions and years come from its own stream, so parts can be cut
// anywhere without changing a record.
#include "synth/author_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "registry/country_policy.h"
#include "synth/json_text.h"
#include "synth/part_sink.h"
#include "synth/random.h"
#include "synth/tables.h"
#include "synth/universe.h"

namespace coopscope {
namespace {

namespace fs = std::filesystem;
using synth::Rng;

constexpr uint64_t kSaltAuthor = 11;  // the stream of one author
constexpr double kCnrsUnitShare = 0.35;      // French affiliations in a CNRS unit
constexpr double kSecondDomesticShare = 0.3;  // non-mobile authors with a second domestic institution
constexpr double kOverlapShare = 0.3;         // migrants still listing the origin in their first year abroad
constexpr double kThirdCountryShare = 0.3;    // non-directional travellers adding a third country
constexpr int kMaxDraws = 64;                 // attempts to draw an institution meeting a condition

// Planned classes, indexed like mobility::MobilityClass.
enum Plan : int { kEmpty = 0, kNonMobile = 1, kMigrant = 2, kDirectional = 3, kNonDirectional = 4, kReturnee, kLegacy };

struct Affiliation {
  uint32_t org;
  std::vector<int> years;
};

class AuthorMaker {
 public:
  AuthorMaker(const AuthorGenOptions& o, const synth::Universe& u) : o_(o), u_(u) {
    fr_pool_ = u_.PoolOf(MakeCountry("FR"));
  }

  // Appends author INDEX as one JSON line; returns its expected class.
  int Write(uint64_t index, std::string* out);

 private:
  Plan Draw(Rng& rng) const;
  // An institution of pool POOL with a stated country of the pool (CNRS units
  // for France at kCnrsUnitShare).
  uint32_t OrgOf(uint32_t pool, Rng& rng) const;
  // A pool whose country (under the policy) differs from every one of AVOID.
  uint32_t ForeignPool(const std::vector<CountryCode>& avoid, Rng& rng) const;
  CountryCode CountryOfPool(uint32_t pool) const { return policy_.Map(u_.pools()[pool].code); }

  const AuthorGenOptions& o_;
  const synth::Universe& u_;
  CountryPolicy policy_;
  int fr_pool_ = -1;
};

Plan AuthorMaker::Draw(Rng& rng) const {
  double x = rng.Unit();
  const double shares[] = {o_.migrant_share, o_.directional_share, o_.returnee_share, o_.non_directional_share,
                           o_.empty_share, o_.legacy_share};
  const Plan plans[] = {kMigrant, kDirectional, kReturnee, kNonDirectional, kEmpty, kLegacy};
  for (int i = 0; i < 6; ++i) {
    if (x < shares[i]) return plans[i];
    x -= shares[i];
  }
  return kNonMobile;
}

uint32_t AuthorMaker::OrgOf(uint32_t pool, Rng& rng) const {
  bool cnrs = static_cast<int>(pool) == fr_pool_ && u_.cnrs_unit_count() > 0 && rng.Chance(kCnrsUnitShare);
  uint32_t org = 0;
  for (int i = 0; i < kMaxDraws; ++i) {
    org = cnrs ? u_.SampleCnrsUnit(rng) : u_.SampleOrg(pool, rng);
    // Not written with a null country, and in the pool's country: CNRS has
    // units abroad, which would make a domestic career international.
    const synth::Org& x = u_.org(org);
    if (!x.null_country && policy_.Map(x.country) == CountryOfPool(pool)) return org;
  }
  return org;
}

uint32_t AuthorMaker::ForeignPool(const std::vector<CountryCode>& avoid, Rng& rng) const {
  uint32_t pool = 0;
  for (int i = 0; i < kMaxDraws; ++i) {
    pool = u_.SampleCountry(rng);
    if (std::find(avoid.begin(), avoid.end(), CountryOfPool(pool)) == avoid.end()) return pool;
  }
  for (pool = 0; pool < u_.pools().size(); ++pool)
    if (std::find(avoid.begin(), avoid.end(), CountryOfPool(pool)) == avoid.end()) break;
  return pool;
}

std::vector<int> Range(int a, int b) {
  std::vector<int> v;
  for (int y = a; y <= b; ++y) v.push_back(y);
  return v;
}

int AuthorMaker::Write(uint64_t index, std::string* out) {
  Rng rng(synth::StreamSeed(o_.seed, index, kSaltAuthor));
  Plan plan = Draw(rng);
  const int first = o_.first_year, last = o_.last_year;
  // A career of at least three years inside [first, last].
  int s = static_cast<int>(rng.Between(first, std::max(first, last - 3)));
  int e = static_cast<int>(rng.Between(std::min(last, s + 2), last));
  uint32_t home = u_.SampleCountry(rng);
  std::vector<Affiliation> affs;
  int expected = plan;
  switch (plan) {
    case kEmpty:
      break;
    case kNonMobile:
    case kLegacy: {
      uint32_t a = OrgOf(home, rng);
      if (plan == kNonMobile && rng.Chance(kSecondDomesticShare) && e > s) {
        int m = static_cast<int>(rng.Between(s + 1, e));
        affs.push_back({a, Range(s, m - 1)});
        affs.push_back({OrgOf(home, rng), Range(m, e)});
      } else {
        affs.push_back({a, Range(s, e)});
      }
      expected = kNonMobile;
      break;
    }
    case kMigrant: {
      uint32_t dest = ForeignPool({CountryOfPool(home)}, rng);
      int m = static_cast<int>(rng.Between(s + 1, e));
      int origin_end = (rng.Chance(kOverlapShare) && m < e) ? m : m - 1;
      affs.push_back({OrgOf(home, rng), Range(s, origin_end)});
      affs.push_back({OrgOf(dest, rng), Range(m, e)});
      break;
    }
    case kDirectional: {
      uint32_t foreign = ForeignPool({CountryOfPool(home)}, rng);
      int a = static_cast<int>(rng.Between(s + 1, e));
      int b = static_cast<int>(rng.Between(a, e));
      affs.push_back({OrgOf(home, rng), Range(s, e)});
      affs.push_back({OrgOf(foreign, rng), Range(a, b)});
      break;
    }
    case kReturnee: {
      uint32_t foreign = ForeignPool({CountryOfPool(home)}, rng);
      int a = static_cast<int>(rng.Between(s + 1, e - 1));
      int b = static_cast<int>(rng.Between(a, e - 1));
      uint32_t origin_org = OrgOf(home, rng);
      std::vector<int> years = Range(s, a - 1);
      for (int y = b + 1; y <= e; ++y) years.push_back(y);
      affs.push_back({origin_org, years});
      affs.push_back({OrgOf(foreign, rng), Range(a, b)});
      expected = kDirectional;
      break;
    }
    case kNonDirectional: {
      uint32_t second = ForeignPool({CountryOfPool(home)}, rng);
      affs.push_back({OrgOf(home, rng), Range(s, e)});
      affs.push_back({OrgOf(second, rng), Range(s, e)});
      if (rng.Chance(kThirdCountryShare) && e > s) {
        uint32_t third = ForeignPool({CountryOfPool(home), CountryOfPool(second)}, rng);
        int a = static_cast<int>(rng.Between(s + 1, e));
        affs.push_back({OrgOf(third, rng), Range(a, e)});
      }
      break;
    }
  }
  if (plan == kEmpty) expected = 0;

  // The record.  Field order follows the API's (id first); bulk the reader
  // skips is written too so that records have realistic sizes.
  const synth::CountryPool& pool = u_.pools()[home];
  const synth::NameList& names = synth::Names(pool.region);
  std::string_view given = names.given[rng.Below(names.given.size())];
  std::string_view family = names.family[rng.Below(names.family.size())];
  const uint64_t id = 5000000000ULL + index;
  std::vector<int> counts(static_cast<size_t>(last - first + 1), 0);
  uint64_t works = 0;
  for (const Affiliation& a : affs)
    for (int y : a.years) {
      int& c = counts[static_cast<size_t>(y - first)];
      if (c == 0) {
        c = static_cast<int>(rng.Between(1, 6));
        works += static_cast<uint64_t>(c);
      }
    }
  const uint64_t cited = works * rng.Below(40);
  auto it = std::back_inserter(*out);
  out->append("{\"id\":");
  synth::AppendIdUrl(out, 'A', id);
  out->append(",\"orcid\":null,\"display_name\":\"");
  synth::AppendEscaped(out, given);
  out->push_back(' ');
  synth::AppendEscaped(out, family);
  out->append("\",\"display_name_alternatives\":[\"");
  // The initial: the first UTF-8 character, not its first byte.
  size_t initial = 1;
  while (initial < given.size() && (static_cast<unsigned char>(given[initial]) & 0xC0) == 0x80) ++initial;
  synth::AppendEscaped(out, given.substr(0, initial));
  out->append(". ");
  synth::AppendEscaped(out, family);
  fmt::format_to(it, "\"],\"works_count\":{},\"cited_by_count\":{},", works, cited);
  fmt::format_to(it,
                 "\"summary_stats\":{{\"2yr_mean_citedness\":{:.3f},\"h_index\":{},\"i10_index\":{}}},"
                 "\"ids\":{{\"openalex\":\"https://openalex.org/A{}\"}},",
                 static_cast<double>(rng.Below(5000)) / 1000.0, rng.Below(30), rng.Below(60), id);
  if (plan == kLegacy) {
    out->append("\"last_known_institution\":");
    out->append(u_.org(affs.front().org).inst_json);
  } else {
    out->append("\"affiliations\":[");
    // The API lists the most recent first, years descending.
    for (size_t k = affs.size(); k-- > 0;) {
      out->append("{\"institution\":");
      out->append(u_.org(affs[k].org).inst_json);
      out->append(",\"years\":[");
      for (size_t j = affs[k].years.size(); j-- > 0;)
        fmt::format_to(it, "{}{}", affs[k].years[j], j ? "," : "");
      out->append(k ? "]}," : "]}");
    }
    out->append("],\"last_known_institutions\":[");
    if (!affs.empty()) out->append(u_.org(affs.back().org).inst_json);
    out->push_back(']');
  }
  out->append(",\"x_concepts\":[");
  auto concepts = synth::Concepts();
  for (int k = 0; k < 3; ++k) {
    const auto& c = concepts[rng.Below(concepts.size())];
    fmt::format_to(it, "{}{{\"id\":\"https://openalex.org/C{}\",\"wikidata\":null,\"display_name\":\"{}\",\"level\":{},"
                       "\"score\":{:.1f}}}",
                   k ? "," : "", 40000000 + rng.Below(1000000), c.name, c.level,
                   static_cast<double>(rng.Below(1000)) / 10.0);
  }
  out->append("],\"counts_by_year\":[");
  bool comma = false;
  for (int y = last; y >= first; --y) {
    int c = counts[static_cast<size_t>(y - first)];
    if (c == 0) continue;
    fmt::format_to(it, "{}{{\"year\":{},\"works_count\":{},\"cited_by_count\":{}}}", comma ? "," : "", y, c,
                   rng.Below(100));
    comma = true;
  }
  fmt::format_to(it,
                 "],\"works_api_url\":\"https://api.openalex.org/works?filter=author.id:A{}\","
                 "\"updated_date\":\"{}-06-01T00:00:00\",\"created_date\":\"{}-01-01\"}}\n",
                 id, last + 1, first);
  return expected;
}

}  // namespace

Result<AuthorGenSummary> GenerateAuthors(const AuthorGenOptions& o, const Registry& registry) {
  if (o.out_dir.empty()) return Status(ErrorCode::kInvalidArgument, "no output folder");
  if (o.parts == 0) return Status(ErrorCode::kInvalidArgument, "--parts must be at least 1");
  if (o.last_year - o.first_year < 3) return Status(ErrorCode::kInvalidArgument, "the years must span four years at least");
  synth::PartCompression compression = synth::PartCompression::kNone;
  std::string ext = "jsonl";
  if (o.compression == "gz" || o.compression == "gzip") {
    compression = synth::PartCompression::kGzip;
    ext = "gz";
  } else if (o.compression == "zst" || o.compression == "zstd") {
    compression = synth::PartCompression::kZstd;
    ext = "zst";
  } else if (o.compression != "none") {
    return Status(ErrorCode::kInvalidArgument, fmt::format("unknown compression \"{}\"", o.compression));
  }
  auto universe = synth::Universe::Build(registry, false);
  if (!universe.ok()) return universe.status();
  AuthorMaker maker(o, universe.value());
  AuthorGenSummary summary;
  const std::string folder = fmt::format("updated_date={}-06-01", o.last_year + 1);
  fs::path dir = fs::path(o.out_dir) / "authors" / folder;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status(ErrorCode::kIo, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  std::string manifest = "{\n  \"entries\": [\n";
  std::string buffer;
  for (unsigned p = 0; p < o.parts; ++p) {
    std::string name = fmt::format("part_{:03}.{}", p, ext);
    auto sink = synth::PartSink::Open((dir / name).string(), compression);
    if (!sink.ok()) return sink.status();
    const uint64_t begin = o.authors * p / o.parts, end = o.authors * (p + 1) / o.parts;
    for (uint64_t i = begin; i < end; ++i) {
      ++summary.expected[static_cast<size_t>(maker.Write(i, &buffer))];
      if (buffer.size() >= (4u << 20) || i + 1 == end) {
        summary.bytes += buffer.size();
        if (Status st = sink.value()->Write(buffer); !st.ok()) return st;
        buffer.clear();
      }
    }
    if (Status st = sink.value()->Finish(); !st.ok()) return st;
    summary.records += end - begin;
    manifest += fmt::format("    {{\"url\": \"s3://openalex/data/authors/{}/{}\", \"meta\": {{ \"content_length\": {}, "
                            "\"record_count\": {} }} }}{}\n",
                            folder, name, sink.value()->file_bytes(), end - begin, p + 1 < o.parts ? "," : "");
  }
  manifest += fmt::format("  ],\n  \"meta\": {{ \"record_count\": {} }}\n}}\n", summary.records);
  std::ofstream out(fs::path(o.out_dir) / "authors" / "manifest.json", std::ios::binary | std::ios::trunc);
  out << manifest;
  out.close();
  if (!out) return Status(ErrorCode::kIo, "cannot write the authors manifest");
  return summary;
}

}  // namespace coopscope
