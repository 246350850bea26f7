// One synthetic OpenAlex work as one JSON line (see work_writer.h).
#include "synth/work_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "model/calendar.h"
#include "synth/json_text.h"

namespace coopscope::synth {
namespace {

// Authors per work: most 1–10, a long tail, a few hyper-authored works.
constexpr RangeBucket kAuthorCounts[] = {{1, 1, 20},       {2, 2, 19},         {3, 3, 17},         {4, 4, 13},
                                         {5, 5, 9},        {6, 6, 6.5},        {7, 7, 4.5},        {8, 8, 3.2},
                                         {9, 9, 2.4},      {10, 10, 1.8},      {11, 15, 3.2},      {16, 20, 1.1},
                                         {21, 30, 0.7},    {31, 50, 0.35},     {51, 100, 0.17},    {101, 200, 0.06},
                                         {201, 500, 0.03}, {501, 1000, 0.012}, {1001, 3000, 0.008}};
// Countries beyond the second in an international work.
constexpr RangeBucket kExtraCountries[] = {{0, 0, 62}, {1, 1, 22}, {2, 2, 9}, {3, 3, 4}, {4, 8, 3}};
// Institutions of the lead country beyond the first.
constexpr RangeBucket kExtraLeadSites[] = {{0, 0, 55}, {1, 1, 28}, {2, 2, 12}, {3, 3, 5}};
constexpr RangeBucket kCitations[] = {{0, 0, 25},   {1, 3, 25},      {4, 10, 22},     {11, 30, 15},
                                      {31, 100, 9}, {101, 500, 3.5}, {501, 5000, 0.5}};

constexpr int kHyperAuthored = 100;  // above this, a consortium: many countries and sites
constexpr int kMaxSites = 400;
constexpr double kInternationalCnrs = 0.66;   // P(int collab) of a CNRS work of 3–9 authors
constexpr double kInternationalOther = 0.25;  // the same for the rest of the world
constexpr double kCnrsRootShare = 0.12;       // CNRS authorships naming CNRS itself, not a unit
constexpr double kSecondUnitShare = 0.10;
constexpr double kFrenchPartnerShare = 0.40;  // CNRS works also naming a non-CNRS French institution
constexpr double kBareWorkShare = 0.04;       // works without any affiliation at all
constexpr double kCoListShare = 0.35;         // CNRS-unit authors also listing the university
constexpr double kDualAffiliationShare = 0.05;
constexpr double kEmptyShare = 0.03;              // institutions [] but raw strings kept
constexpr double kBareAuthorShare = 0.02;         // no affiliation at all
constexpr double kAffiliationsOnlyShare = 0.025;  // institutions [] but affiliations[].institution_ids
constexpr double kDepartmentShare = 0.35;
constexpr double kForeignNameShare = 0.15;  // authors whose name comes from another region
constexpr double kOrcidShare = 0.35;
constexpr int kJournals = 6000;
constexpr uint64_t kWorkBase = 1000000000ULL;
constexpr uint64_t kAuthorBase = 5000000000ULL;
constexpr uint64_t kSourceBase = 4210000000ULL;
constexpr uint64_t kPublisherBase = 4310320000ULL;
constexpr int kRelatedWorks = 10;
constexpr double kNoReferencesShare = 0.25;
constexpr int kMinReferences = 20, kMaxReferences = 60;
constexpr double kNoAbstractShare = 0.5;
constexpr int kMinAbstractWords = 50, kMaxAbstractWords = 160;

constexpr std::string_view kCurrentTypes[] = {
    "article", "article", "article", "article", "article", "article", "article",      "article",  "article", "article",
    "article", "article", "article", "article", "article", "review",  "book-chapter", "preprint", "letter",  "dataset"};
constexpr std::string_view k2022Types[] = {
    "journal-article", "journal-article", "journal-article", "journal-article",     "journal-article",
    "journal-article", "journal-article", "book-chapter",    "proceedings-article", "posted-content"};
constexpr std::string_view kLanguages[] = {"en", "en", "en", "en", "en", "en", "en", "en", "en", "en",
                                           "en", "en", "en", "en", "en", "en", "fr", "de", "es", "zh"};
constexpr std::string_view kOaStatuses[] = {"gold", "green", "hybrid", "bronze", "diamond"};
constexpr std::string_view kLicenses[] = {"cc-by", "cc-by-nc", "cc-by-nc-nd", "other-oa"};

using Out = std::back_insert_iterator<std::string>;

template <typename... Args>
void Put(std::string* out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(Out(*out), format, std::forward<Args>(args)...);
}

void AppendCapitalized(std::string* out, std::string_view word) {
  if (word.empty()) return;
  char c = word[0];
  out->push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  out->append(word.substr(1));
}

// The first letter (a whole UTF-8 sequence) of a name.
std::string_view FirstLetter(std::string_view name) {
  size_t n = 1;
  while (n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) ++n;
  return name.substr(0, n);
}

int ReferenceCount(Rng& text) {
  return text.Chance(kNoReferencesShare) ? 0 : static_cast<int>(text.Between(kMinReferences, kMaxReferences));
}

std::string_view Word(uint64_t h) {
  auto words = ScienceWords();
  return words[h % words.size()];
}

void AppendTimestamp(std::string* out, const WorkVersion& v) {
  CivilDate d = CivilFromDays(v.updated_day);
  int64_t s = v.updated_micros / 1000000;
  Put(out, "\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}\"", d.year, d.month, d.day, s / 3600, (s / 60) % 60, s % 60,
      v.updated_micros % 1000000);
}

}  // namespace

uint64_t WorkWriter::WorkNumber(uint64_t index, uint64_t seed) {
  return kWorkBase + index * 7 + Mix64(seed ^ Mix64(index)) % 7;
}

WorkWriter::WorkWriter(const Universe& universe, const WorkConfig& config) : universe_(universe), config_(config) {
  // Output grows linearly, each year by 6% of the first year's.
  for (int y = config.first_year; y <= config.last_year; ++y) years_.Add(1.0 + 0.06 * (y - config.first_year));
  fr_pool_ = universe.PoolOf(MakeCountry("FR"));
  word_positions_.resize(FunctionWords().size() + ScienceWords().size());
}

bool WorkWriter::AddSite(uint32_t org) {
  if (sites_.size() >= static_cast<size_t>(kMaxSites)) return false;
  if (std::find(sites_.begin(), sites_.end(), org) != sites_.end()) return false;
  sites_.push_back(org);
  return true;
}

void WorkWriter::PlanSites(Rng& rng, int n) {
  pools_.clear();
  sites_.clear();
  double p_int = cnrs_ ? kInternationalCnrs : kInternationalOther;
  if (n == 1)
    p_int *= 0.25;
  else if (n == 2)
    p_int *= 0.7;
  else if (n >= 10)
    p_int = std::min(0.95, p_int + 0.25);
  int k = 1;
  if (n > kHyperAuthored)
    k = 5 + static_cast<int>(rng.Below(static_cast<uint64_t>(std::min(46, n / 20))));
  else if (rng.Chance(p_int))
    k = 2 + SampleRange(kExtraCountries, rng);

  int lead = cnrs_ ? fr_pool_ : static_cast<int>(universe_.SampleCountry(rng));
  size_t wanted = static_cast<size_t>(k);
  if (lead >= 0)
    pools_.push_back(static_cast<uint32_t>(lead));
  else
    --wanted;  // a CNRS work when the registry has no other French organisation
  for (size_t tries = 0; pools_.size() < wanted && tries < 8 * wanted; ++tries) {
    uint32_t c = universe_.SampleCountry(rng);
    if (std::find(pools_.begin(), pools_.end(), c) == pools_.end() && static_cast<int>(c) != lead) pools_.push_back(c);
  }

  if (cnrs_) {
    AddSite(rng.Chance(kCnrsRootShare) ? universe_.cnrs_root() : universe_.SampleCnrsUnit(rng));
    if (rng.Chance(kSecondUnitShare)) AddSite(universe_.SampleCnrsUnit(rng));
    if (fr_pool_ >= 0 && rng.Chance(kFrenchPartnerShare))
      AddSite(universe_.SampleOrg(static_cast<uint32_t>(fr_pool_), rng));
  }
  for (size_t c = 0; c < pools_.size(); ++c) {
    int count;
    if (n > kHyperAuthored) {
      count = 1 + static_cast<int>(rng.Below(1 + static_cast<uint64_t>(n / (40 * k))));
    } else if (c == 0 && lead >= 0) {
      if (cnrs_) continue;  // the CNRS sites lead
      count = 1 + SampleRange(kExtraLeadSites, rng);
      if (n >= 20) count += static_cast<int>(rng.Below(static_cast<uint64_t>(n / 15)));
    } else {
      count = rng.Chance(0.2) ? 2 : 1;
    }
    for (int i = 0; i < count && sites_.size() < static_cast<size_t>(3 * n); ++i)
      AddSite(universe_.SampleOrg(pools_[c], rng));
  }
}

void WorkWriter::PlanAuthors(Rng& rng, int n) {
  authors_.assign(static_cast<size_t>(n), Author{});
  const size_t m = sites_.size();
  const bool bare = m == 0 || (!cnrs_ && rng.Chance(kBareWorkShare));
  const size_t count = static_cast<size_t>(n);
  std::vector<char> primary(count, 1);
  if (!bare) {
    if (count >= m) {
      // Every site has one author; the others go to the lead site three
      // times as often; authors come grouped by site, and the lead site's
      // senior author often signs last.
      site_of_.clear();
      for (uint32_t s = 0; s < m; ++s) site_of_.push_back(s);
      for (size_t a = m; a < count; ++a) {
        uint64_t r = rng.Below(m + 2);
        site_of_.push_back(r < 3 ? 0 : static_cast<uint32_t>(r - 2));
      }
      std::sort(site_of_.begin(), site_of_.end());
      if (count >= 3 && m >= 2 && site_of_[1] == 0 && rng.Chance(0.5))
        std::rotate(site_of_.begin() + 1, site_of_.begin() + 2, site_of_.end());
      std::vector<char> seen(m, 0);
      for (size_t a = 0; a < count; ++a) {
        uint32_t s = site_of_[a];
        authors_[a].orgs[0] = sites_[s];
        authors_[a].org_count = 1;
        primary[a] = !seen[s];
        seen[s] = 1;
      }
    } else {
      for (size_t a = 0; a < count; ++a)
        for (size_t s = a; s < m && authors_[a].org_count < kMaxOrgsPerAuthor; s += count)
          authors_[a].orgs[authors_[a].org_count++] = sites_[s];
    }
  }

  for (size_t a = 0; a < count; ++a) {
    Author& au = authors_[a];
    if (bare) {
      au.kind = Kind::kBare;
    } else {
      if (au.org_count == 1) {
        const Org& org = universe_.org(au.orgs[0]);
        if (org.co_listed >= 0 && rng.Chance(kCoListShare)) {
          au.orgs[au.org_count++] = static_cast<uint32_t>(org.co_listed);
        } else if (m >= 2 && rng.Chance(kDualAffiliationShare)) {
          uint32_t other = sites_[rng.Below(m)];
          if (other != au.orgs[0]) au.orgs[au.org_count++] = other;
        }
      }
      if (!primary[a]) {
        double r = rng.Unit();
        if (r < kEmptyShare)
          au.kind = Kind::kEmpty;
        else if (r < kEmptyShare + kBareAuthorShare)
          au.kind = Kind::kBare;
        else if (r < kEmptyShare + kBareAuthorShare + kAffiliationsOnlyShare)
          au.kind = Kind::kAffiliationsOnly;
      }
      for (int k = 0; k < au.org_count; ++k)
        if (!universe_.org(au.orgs[k]).in_cnrs && rng.Chance(kDepartmentShare))
          au.department[k] = static_cast<uint8_t>(1 + rng.Below(Departments().size()));
    }
    // A name from the region of the author's first institution (or the lead country).
    int pool = au.org_count > 0 ? universe_.PoolOf(universe_.org(au.orgs[0]).country)
                                : (pools_.empty() ? -1 : static_cast<int>(pools_[0]));
    au.region = pool >= 0 ? universe_.pools()[static_cast<size_t>(pool)].region : NameRegion::kAnglo;
    if (rng.Chance(kForeignNameShare)) au.region = static_cast<NameRegion>(rng.Below(13));
    const NameList& names = Names(au.region);
    au.given = static_cast<uint16_t>(rng.Below(names.given.size()));
    au.family = static_cast<uint16_t>(rng.Below(names.family.size()));
    au.initial_only = rng.Chance(0.3);
    au.id = kAuthorBase + rng.Below(150000000);
    if (rng.Chance(kOrcidShare))
      au.orcid = (1 + rng.Below(3)) * 100000000ULL + rng.Below(10000) * 10000 + rng.Below(10000) + 1;
  }
  authors_[rng.Chance(0.8) ? 0 : count - 1].corresponding = true;
}

void WorkWriter::Plan(uint64_t index) {
  Rng rng(StreamSeed(config_.seed, index, kSaltStructure));
  number_ = WorkNumber(index, config_.seed);
  year_ = config_.first_year + static_cast<int>(years_.Sample(rng));
  if (rng.Chance(0.15)) {
    month_ = day_ = 1;
  } else {
    month_ = static_cast<unsigned>(rng.Between(1, 12));
    day_ = static_cast<unsigned>(rng.Between(1, 28));
  }
  cnrs_ = universe_.has_cnrs() && rng.Chance(config_.cnrs_share);
  int n = SampleRange(kAuthorCounts, rng);
  PlanSites(rng, n);
  PlanAuthors(rng, n);
}

void WorkWriter::Append(uint64_t index, const WorkVersion& version, std::string* out) {
  Plan(index);
  Rng text(StreamSeed(config_.seed, index, kSaltText));
  // Bulk shared by both formats.
  journal_ = static_cast<uint32_t>(text.Below(text.Below(kJournals) + 1));
  oa_ = text.Chance(0.45);
  int age = config_.last_year - year_;
  double maturity = std::min(1.0, (age + 1) / 5.0);
  cited_ = static_cast<int>(SampleRange(kCitations, text) * maturity);
  if (version.older) cited_ = cited_ * 3 / 4;
  title_.clear();
  int words = static_cast<int>(text.Between(6, 14));
  auto science = ScienceWords();
  auto function = FunctionWords();
  for (int w = 0; w < words; ++w) {
    if (w) title_.push_back(' ');
    bool content = w == 0 || w + 1 == words || text.Chance(0.7);
    std::string_view word = content ? science[text.Below(science.size())] : function[text.Below(function.size())];
    if (w == 0)
      AppendCapitalized(&title_, word);
    else
      title_.append(word);
  }
  uint64_t jh = Mix64(journal_ + 0x51ed27ULL);
  const PublisherInfo& publisher = Publishers()[(jh >> 40) % Publishers().size()];
  doi_.clear();
  Put(&doi_, "10.{}/{}.{}.{}", publisher.doi_prefix, Word(jh).substr(0, 4), year_, number_);

  if (version.format_2022)
    Write2022(index, version, text, out);
  else
    WriteCurrent(index, version, text, out);
  out->push_back('\n');
}

void WorkWriter::WriteHead(uint64_t index, Rng& text, std::string* out) {
  Put(out, "{{\"id\": \"https://openalex.org/W{}\", \"doi\": \"https://doi.org/{}\", \"title\": \"", number_, doi_);
  out->append(title_);
  out->append("\", \"display_name\": \"");
  out->append(title_);
  Put(out, "\", \"publication_year\": {}, \"publication_date\": \"{:04}-{:02}-{:02}\", ", year_, year_, month_, day_);
  Put(out, "\"ids\": {{\"openalex\": \"https://openalex.org/W{}\", \"doi\": \"https://doi.org/{}\"", number_, doi_);
  if (year_ < 2022) Put(out, ", \"mag\": \"{}\"", 2000000000 + index);
  if (text.Chance(0.3)) Put(out, ", \"pmid\": \"https://pubmed.ncbi.nlm.nih.gov/{}\"", 30000000 + text.Below(8000000));
  Put(out, "}}, \"language\": \"{}\", ", kLanguages[text.Below(std::size(kLanguages))]);
}

void WorkWriter::WriteSource(bool format_2022, std::string* out) {
  uint64_t h = Mix64(journal_ + 0x51ed27ULL);
  size_t pub = (h >> 40) % Publishers().size();
  const PublisherInfo& publisher = Publishers()[pub];
  std::string name;
  switch ((h >> 32) & 3) {
    case 0:
      name = "Journal of ";
      AppendCapitalized(&name, Word(h));
      name += ' ';
      AppendCapitalized(&name, Word(h >> 16));
      break;
    case 1:
      AppendCapitalized(&name, Word(h));
      name += ' ';
      AppendCapitalized(&name, Word(h >> 16));
      name += " Letters";
      break;
    case 2:
      name = "Annals of ";
      AppendCapitalized(&name, Word(h >> 16));
      break;
    default:
      name = "International Journal of ";
      AppendCapitalized(&name, Word(h));
      name += " and ";
      AppendCapitalized(&name, Word(h >> 16));
  }
  unsigned issn_a = static_cast<unsigned>((h >> 8) % 10000), issn_b = static_cast<unsigned>((h >> 24) % 10000);
  unsigned eissn_b = (issn_b + 17) % 10000;
  uint64_t source = kSourceBase + journal_;
  bool source_oa = (h & 0xff) < 40;
  if (format_2022) {
    Put(out,
        "{{\"id\": \"https://openalex.org/S{}\", \"issn_l\": \"{:04}-{:04}\", \"issn\": [\"{:04}-{:04}\", "
        "\"{:04}-{:04}\"], "
        "\"display_name\": \"{}\", \"publisher\": \"{}\", \"type\": \"journal\", \"url\": \"https://doi.org/{}\", "
        "\"is_oa\": {}, \"version\": {}, \"license\": {}}}",
        source, issn_a, issn_b, issn_a, issn_b, issn_a, eissn_b, name, Escaped(publisher.name), doi_, oa_,
        oa_ ? "\"publishedVersion\"" : "null", oa_ ? "\"cc-by\"" : "null");
    return;
  }
  Put(out, "{{\"id\": \"doi:{}\", \"is_oa\": {}, \"landing_page_url\": \"https://doi.org/{}\", \"pdf_url\": ", doi_,
      oa_, doi_);
  if (oa_)
    Put(out, "\"https://{}.example.org/pdf/{}\"", Word(h), doi_);
  else
    out->append("null");
  Put(out,
      ", \"source\": {{\"id\": \"https://openalex.org/S{}\", \"display_name\": \"{}\", \"issn_l\": \"{:04}-{:04}\", "
      "\"issn\": [\"{:04}-{:04}\", \"{:04}-{:04}\"], \"is_oa\": {}, \"is_in_doaj\": {}, \"is_core\": true, "
      "\"host_organization\": \"https://openalex.org/P{}\", \"host_organization_name\": \"{}\", "
      "\"host_organization_lineage\": [\"https://openalex.org/P{}\"], "
      "\"type\": \"journal\"}}, ",
      source, name, issn_a, issn_b, issn_a, issn_b, issn_a, eissn_b, source_oa, source_oa, kPublisherBase + pub,
      Escaped(publisher.name), kPublisherBase + pub);
  size_t license = (h >> 12) % std::size(kLicenses);
  if (oa_)
    Put(out, "\"license\": \"{}\", \"license_id\": \"https://openalex.org/licenses/{}\", ", kLicenses[license],
        kLicenses[license]);
  else
    out->append("\"license\": null, \"license_id\": null, ");
  out->append("\"version\": \"publishedVersion\", \"is_accepted\": true, \"is_published\": true}");
}

void WorkWriter::WriteAuthorName(const Author& au, std::string* out) {
  const NameList& names = Names(au.region);
  std::string_view given = names.given[au.given], family = names.family[au.family];
  Put(out, "{{\"id\": \"https://openalex.org/A{}\", \"display_name\": \"", au.id);
  AppendEscaped(out, given);
  out->push_back(' ');
  AppendEscaped(out, family);
  out->append("\", \"orcid\": ");
  if (au.orcid != 0)
    Put(out, "\"https://orcid.org/0000-000{}-{:04}-{:04}\"}}", au.orcid / 100000000, (au.orcid / 10000) % 10000,
        (au.orcid - 1) % 10000);
  else
    out->append("null}");
}

void WorkWriter::WriteRawAffiliation(const Author& au, int k, std::string* out) {
  out->push_back('"');
  if (au.department[k] != 0) {
    out->append(Departments()[au.department[k] - 1]);
    out->append(", ");
  }
  out->append(universe_.org(au.orgs[k]).raw_affiliation);
  out->push_back('"');
}

void WorkWriter::WriteAuthorCurrent(size_t a, std::string* out) {
  const Author& au = authors_[a];
  std::string_view position = a == 0 ? "first" : (a + 1 == authors_.size() ? "last" : "middle");
  Put(out, "{{\"author_position\": \"{}\", \"author\": ", position);
  WriteAuthorName(au, out);
  out->append(", \"institutions\": [");
  if (au.kind == Kind::kNormal)
    for (int k = 0; k < au.org_count; ++k) {
      if (k) out->append(", ");
      out->append(universe_.org(au.orgs[k]).inst_json);
    }
  out->append("], \"countries\": [");
  if (au.kind == Kind::kNormal || au.kind == Kind::kAffiliationsOnly) {
    CountryCode written[kMaxOrgsPerAuthor] = {};
    int count = 0;
    for (int k = 0; k < au.org_count; ++k) {
      CountryCode c = universe_.org(au.orgs[k]).country;
      if (c == kNoCountry || std::find(written, written + count, c) != written + count) continue;
      Put(out, "{}\"{}{}\"", count ? ", " : "", static_cast<char>(c >> 8), static_cast<char>(c & 0xff));
      written[count++] = c;
    }
  }
  Put(out, "], \"is_corresponding\": {}, \"raw_author_name\": \"", au.corresponding);
  const NameList& names = Names(au.region);
  if (au.initial_only) {
    AppendEscaped(out, FirstLetter(names.given[au.given]));
    out->append(". ");
  } else {
    AppendEscaped(out, names.given[au.given]);
    out->push_back(' ');
  }
  AppendEscaped(out, names.family[au.family]);
  out->append("\", \"raw_affiliation_strings\": [");
  // One raw string per institution, except a unit and its co-listed university
  // which share the unit's string (it names both).
  const bool shared = au.org_count == 2 && universe_.org(au.orgs[0]).co_listed == static_cast<int32_t>(au.orgs[1]);
  const int strings = au.kind == Kind::kBare ? 0 : (shared ? 1 : au.org_count);
  for (int k = 0; k < strings; ++k) {
    if (k) out->append(", ");
    WriteRawAffiliation(au, k, out);
  }
  out->append("], \"affiliations\": [");
  for (int k = 0; k < strings; ++k) {
    if (k) out->append(", ");
    out->append("{\"raw_affiliation_string\": ");
    WriteRawAffiliation(au, k, out);
    out->append(", \"institution_ids\": [");
    if (au.kind != Kind::kEmpty) {
      AppendIdUrl(out, 'I', universe_.org(au.orgs[k]).openalex);
      if (shared) {
        out->append(", ");
        AppendIdUrl(out, 'I', universe_.org(au.orgs[1]).openalex);
      }
    }
    out->append("]}");
  }
  out->append("]}");
}

void WorkWriter::WriteAuthor2022(size_t a, std::string* out) {
  const Author& au = authors_[a];
  std::string_view position = a == 0 ? "first" : (a + 1 == authors_.size() ? "last" : "middle");
  Put(out, "{{\"author_position\": \"{}\", \"author\": ", position);
  WriteAuthorName(au, out);
  out->append(", \"institutions\": [");
  if (au.kind == Kind::kNormal || au.kind == Kind::kAffiliationsOnly)
    for (int k = 0; k < au.org_count; ++k) {
      if (k) out->append(", ");
      out->append(universe_.org(au.orgs[k]).inst_json_2022);
    }
  out->append("], \"raw_affiliation_string\": ");
  if (au.kind == Kind::kBare || au.org_count == 0) {
    out->append("null}");
    return;
  }
  out->push_back('"');
  for (int k = 0; k < au.org_count; ++k) {
    if (k) out->append("; ");
    if (au.department[k] != 0) {
      out->append(Departments()[au.department[k] - 1]);
      out->append(", ");
    }
    out->append(universe_.org(au.orgs[k]).raw_affiliation);
  }
  out->append("\"}");
}

void WorkWriter::WriteWorkList(Rng& text, int count, std::string* out) {
  out->push_back('[');
  for (int i = 0; i < count; ++i) {
    if (i) out->append(", ");
    AppendIdUrl(out, 'W', kWorkBase + text.Below(3400000000ULL));
  }
  out->push_back(']');
}

void WorkWriter::WriteAbstract(Rng& text, std::string* out) {
  if (text.Chance(kNoAbstractShare)) {
    out->append("null");
    return;
  }
  auto function = FunctionWords();
  auto science = ScienceWords();
  int length = static_cast<int>(text.Between(kMinAbstractWords, kMaxAbstractWords));
  for (int pos = 0; pos < length; ++pos) {
    size_t w =
        text.Chance(0.35) ? text.Below(function.size()) : function.size() + text.Below(text.Below(science.size()) + 1);
    if (word_positions_[w].empty()) words_seen_.push_back(static_cast<uint16_t>(w));
    word_positions_[w].push_back(static_cast<uint16_t>(pos));
  }
  out->push_back('{');
  for (size_t i = 0; i < words_seen_.size(); ++i) {
    size_t w = words_seen_[i];
    std::string_view word = w < function.size() ? function[w] : science[w - function.size()];
    Put(out, "{}\"{}\": [", i ? ", " : "", word);
    auto& positions = word_positions_[w];
    for (size_t p = 0; p < positions.size(); ++p) Put(out, "{}{}", p ? ", " : "", positions[p]);
    out->push_back(']');
    positions.clear();
  }
  out->push_back('}');
  words_seen_.clear();
}

void WorkWriter::WriteConcepts(Rng& text, std::string* out) {
  auto concepts = Concepts();
  int count = static_cast<int>(text.Between(2, 5));
  size_t picked[5];
  int n = 0;
  for (int tries = 0; n < count && tries < 20; ++tries) {
    size_t c = text.Below(concepts.size());
    if (std::find(picked, picked + n, c) == picked + n) picked[n++] = c;
  }
  out->push_back('[');
  for (int i = 0; i < n; ++i) {
    const ConceptInfo& c = concepts[picked[i]];
    double score = static_cast<double>(950000 - 150000 * i - static_cast<int>(text.Below(100000))) / 1e6;
    Put(out,
        "{}{{\"id\": \"https://openalex.org/C{}\", \"wikidata\": \"https://www.wikidata.org/wiki/Q{}\", "
        "\"display_name\": \"{}\", \"level\": {}, \"score\": {}}}",
        i ? ", " : "", 41000000 + picked[i] * 104729, 2000 + picked[i] * 7919, c.name, c.level, std::max(0.0, score));
  }
  out->push_back(']');
}

void WorkWriter::WriteTopics(Rng& text, std::string* out) {
  auto fields = Fields();
  const FieldInfo& field = fields[text.Below(fields.size())];
  int count = static_cast<int>(text.Between(1, 3));
  std::string topics;
  size_t first_end = 0;
  for (int i = 0; i < count; ++i) {
    int topic = 10000 + field.id * 100 + static_cast<int>(text.Below(60));
    uint64_t h = Mix64(static_cast<uint64_t>(topic));
    int subfield = field.id * 100 + 1 + static_cast<int>(h % 9);
    uint64_t hs = Mix64(static_cast<uint64_t>(subfield));
    double score = static_cast<double>(999000 - 20000 * i - static_cast<int>(text.Below(20000))) / 1e6;
    if (i) topics.append(", ");
    Put(&topics, "{{\"id\": \"https://openalex.org/T{}\", \"display_name\": \"", topic);
    AppendCapitalized(&topics, Word(h));
    Put(&topics, " and {} {}\", \"score\": {}, ", Word(h >> 20), Word(h >> 40), score);
    Put(&topics, "\"subfield\": {{\"id\": \"https://openalex.org/subfields/{}\", \"display_name\": \"", subfield);
    AppendCapitalized(&topics, Word(hs));
    Put(&topics,
        " {}\"}}, \"field\": {{\"id\": \"https://openalex.org/fields/{}\", \"display_name\": \"{}\"}}, "
        "\"domain\": {{\"id\": \"https://openalex.org/domains/{}\", \"display_name\": \"{}\"}}}}",
        Word(hs >> 20), field.id, field.name, field.domain, DomainName(field.domain));
    if (i == 0) first_end = topics.size();
  }
  out->append("\"primary_topic\": ");
  out->append(topics, 0, first_end);
  out->append(", \"topics\": [");
  out->append(topics);
  out->append("], \"keywords\": [");
  int keywords = static_cast<int>(text.Below(5));
  for (int i = 0; i < keywords; ++i) {
    std::string_view word = ScienceWords()[text.Below(ScienceWords().size())];
    Put(out, "{}{{\"id\": \"https://openalex.org/keywords/{}\", \"display_name\": \"", i ? ", " : "", word);
    AppendCapitalized(out, word);
    Put(out, "\", \"score\": {}}}",
        static_cast<double>(700000 - 100000 * i - static_cast<int>(text.Below(90000))) / 1e6);
  }
  out->append("], ");
}

void WorkWriter::WriteCountsByYear(int cited, std::string* out) {
  int newest = config_.last_year, oldest = std::max(year_, config_.last_year - 9);
  int years = newest - oldest + 1;
  out->push_back('[');
  bool first = true;
  for (int y = newest; y >= oldest; --y) {
    int count = cited / years + (y == newest ? cited % years : 0);
    if (count == 0) continue;
    Put(out, "{}{{\"year\": {}, \"cited_by_count\": {}}}", first ? "" : ", ", y, count);
    first = false;
  }
  out->push_back(']');
}

// OpenAlex created the works it inherited from MAG on 2016-06-24.
void WorkWriter::AppendCreatedDate(std::string* out) const {
  out->append(", \"created_date\": \"");
  if (year_ >= 2017)
    Put(out, "{:04}-{:02}-{:02}", year_, month_, day_);
  else
    out->append("2016-06-24");
  out->append("\"}");
}

void WorkWriter::WriteCurrent(uint64_t index, const WorkVersion& version, Rng& text, std::string* out) {
  WriteHead(index, text, out);
  location_.clear();
  WriteSource(false, &location_);
  out->append("\"primary_location\": ");
  out->append(location_);
  Put(out, ", \"type\": \"{}\", \"indexed_in\": [\"crossref\"], ", kCurrentTypes[text.Below(std::size(kCurrentTypes))]);
  if (oa_)
    Put(out,
        "\"open_access\": {{\"is_oa\": true, \"oa_status\": \"{}\", \"oa_url\": \"https://doi.org/{}\", "
        "\"any_repository_has_fulltext\": {}}}, ",
        kOaStatuses[text.Below(std::size(kOaStatuses))], doi_, text.Chance(0.5));
  else
    out->append(
        "\"open_access\": {\"is_oa\": false, \"oa_status\": \"closed\", \"oa_url\": null, "
        "\"any_repository_has_fulltext\": false}, ");
  out->append("\"authorships\": [");
  for (size_t a = 0; a < authors_.size(); ++a) {
    if (a) out->append(", ");
    WriteAuthorCurrent(a, out);
  }
  // Distinct countries and institutions, and the corresponding author's.
  distinct_.clear();
  for (const Author& au : authors_)
    if (au.kind == Kind::kNormal || au.kind == Kind::kAffiliationsOnly)
      for (int k = 0; k < au.org_count; ++k)
        if (CountryCode c = universe_.org(au.orgs[k]).country) distinct_.push_back(c);
  std::sort(distinct_.begin(), distinct_.end());
  size_t countries = static_cast<size_t>(std::unique(distinct_.begin(), distinct_.end()) - distinct_.begin());
  distinct_.clear();
  for (const Author& au : authors_)
    if (au.kind == Kind::kNormal)
      for (int k = 0; k < au.org_count; ++k) distinct_.push_back(au.orgs[k]);
  std::sort(distinct_.begin(), distinct_.end());
  size_t institutions = static_cast<size_t>(std::unique(distinct_.begin(), distinct_.end()) - distinct_.begin());
  Put(out,
      "], \"institutions\": [], \"countries_distinct_count\": {}, \"institutions_distinct_count\": {}, "
      "\"corresponding_author_ids\": [",
      countries, institutions);
  const Author* corresponding = authors_.front().corresponding ? &authors_.front() : &authors_.back();
  AppendIdUrl(out, 'A', corresponding->id);
  out->append("], \"corresponding_institution_ids\": [");
  if (corresponding->kind == Kind::kNormal)
    for (int k = 0; k < corresponding->org_count; ++k) {
      if (k) out->append(", ");
      AppendIdUrl(out, 'I', universe_.org(corresponding->orgs[k]).openalex);
    }
  int first_page = static_cast<int>(text.Between(1, 3000));
  Put(out,
      "], \"apc_list\": null, \"apc_paid\": null, \"fwci\": {}, \"has_fulltext\": {}, \"cited_by_count\": {}, "
      "\"citation_normalized_percentile\": null, \"biblio\": {{\"volume\": \"{}\", \"issue\": \"{}\", "
      "\"first_page\": \"{}\", \"last_page\": \"{}\"}}, \"is_retracted\": false, \"is_paratext\": false, ",
      static_cast<double>(text.Below(40000)) / 10000, text.Chance(0.6), cited_, 1 + text.Below(120), 1 + text.Below(12),
      first_page, first_page + static_cast<int>(text.Between(3, 25)));
  WriteTopics(text, out);
  out->append("\"concepts\": ");
  WriteConcepts(text, out);
  out->append(", \"mesh\": [], \"locations_count\": 1, \"locations\": [");
  out->append(location_);
  out->append("], \"best_oa_location\": ");
  out->append(oa_ ? std::string_view(location_) : std::string_view("null"));
  int references = ReferenceCount(text);
  Put(out,
      ", \"sustainable_development_goals\": [], \"grants\": [], \"referenced_works_count\": {}, "
      "\"referenced_works\": ",
      references);
  WriteWorkList(text, references, out);
  out->append(", \"related_works\": ");
  WriteWorkList(text, kRelatedWorks, out);
  out->append(", \"abstract_inverted_index\": ");
  WriteAbstract(text, out);
  out->append(", \"counts_by_year\": ");
  WriteCountsByYear(cited_, out);
  out->append(", \"updated_date\": ");
  AppendTimestamp(out, version);
  AppendCreatedDate(out);
}

void WorkWriter::Write2022(uint64_t index, const WorkVersion& version, Rng& text, std::string* out) {
  WriteHead(index, text, out);
  out->append("\"host_venue\": ");
  WriteSource(true, out);
  Put(out, ", \"type\": \"{}\", ", k2022Types[text.Below(std::size(k2022Types))]);
  Put(out, "\"open_access\": {{\"is_oa\": {}, \"oa_status\": \"{}\", \"oa_url\": ", oa_,
      oa_ ? kOaStatuses[text.Below(std::size(kOaStatuses))] : std::string_view("closed"));
  if (oa_)
    Put(out, "\"https://doi.org/{}\"}}, ", doi_);
  else
    out->append("null}, ");
  out->append("\"authorships\": [");
  for (size_t a = 0; a < authors_.size(); ++a) {
    if (a) out->append(", ");
    WriteAuthor2022(a, out);
  }
  int first_page = static_cast<int>(text.Between(1, 3000));
  Put(out,
      "], \"cited_by_count\": {}, \"biblio\": {{\"volume\": \"{}\", \"issue\": \"{}\", \"first_page\": \"{}\", "
      "\"last_page\": \"{}\"}}, \"is_retracted\": false, \"is_paratext\": false, \"concepts\": ",
      cited_, 1 + text.Below(120), 1 + text.Below(12), first_page, first_page + static_cast<int>(text.Between(3, 25)));
  WriteConcepts(text, out);
  out->append(", \"mesh\": [], \"alternate_host_venues\": [], \"referenced_works\": ");
  WriteWorkList(text, ReferenceCount(text), out);
  out->append(", \"related_works\": ");
  WriteWorkList(text, kRelatedWorks, out);
  out->append(", \"abstract_inverted_index\": ");
  WriteAbstract(text, out);
  Put(out,
      ", \"cited_by_api_url\": \"https://api.openalex.org/works?filter=cites:W{}\", \"counts_by_year\": ", number_);
  WriteCountsByYear(cited_, out);
  out->append(", \"updated_date\": ");
  AppendTimestamp(out, version);
  AppendCreatedDate(out);
}

}  // namespace coopscope::synth
