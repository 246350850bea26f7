#include "keyfigures/sheet.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>


namespace coopscope::keyfigures {
namespace {

// A text in both languages.
struct Text {
  const char* en;
  const char* fr;
  std::string In(Lang lang) const { return lang == Lang::kFr ? fr : en; }
};

constexpr const char* kNarrowNbsp = "\u202f";  // French thousands separator
constexpr const char* kNbsp = "\u00a0";        // before "%" in French

std::string Unavailable(Lang lang) { return "—"; }

// Runs the one suppression rule of every output (hr::SuppressSmallCells) on
// one row of counts and shares.
std::vector<hr::HrValue> Suppress(std::vector<hr::HrValue> values, int min_cell) {
  hr::HrReport report;
  report.tables.push_back(hr::HrTable{"sheet", "figure", {}, {hr::HrRow{0, "", std::move(values)}}});
  hr::SuppressSmallCells(&report, min_cell);
  return std::move(report.tables[0].rows[0].values);
}

hr::HrValue Count(double n) { return hr::HrValue{n, false, false, -1, -1}; }
hr::HrValue Share(double num, double den, int num_at, int den_at) {
  return hr::HrValue{den > 0 ? num / den : 0, true, false, num_at, den_at};
}

std::string Suppressed(int min_cell) { return hr::SuppressedText(min_cell); }

// A person count, suppressed under min_cell.
std::string PersonCount(double n, int min_cell, Lang lang, bool* suppressed) {
  auto v = Suppress({Count(n)}, min_cell);
  *suppressed = v[0].suppressed;
  return v[0].suppressed ? Suppressed(min_cell) : FormatCount(n, lang);
}

struct Ranked {
  std::string key;
  double value = 0;
};

// The rows of TABLE for YEAR, largest MEASURE first (ties: key), without the
// keys in SKIP.
std::vector<Ranked> Top(const hr::HrReport& report, std::string_view table, int year, std::string_view measure,
                        size_t n, std::initializer_list<std::string_view> skip = {}) {
  std::vector<Ranked> out;
  const hr::HrTable* t = report.Find(table);
  if (t == nullptr) return out;
  int m = -1;
  for (size_t i = 0; i < t->measures.size(); ++i)
    if (t->measures[i] == measure) m = static_cast<int>(i);
  if (m < 0) return out;
  for (const hr::HrRow& row : t->rows) {
    if (row.year != year) continue;
    if (std::find(skip.begin(), skip.end(), row.key) != skip.end()) continue;
    out.push_back(Ranked{row.key, row.values[m].value});
  }
  std::sort(out.begin(), out.end(), [](const Ranked& a, const Ranked& b) {
    return a.value != b.value ? a.value > b.value : a.key < b.key;
  });
  if (out.size() > n) out.resize(n);
  return out;
}

double HrNumber(const hr::HrReport& report, std::string_view table, int year, std::string_view key,
                std::string_view measure) {
  const hr::HrValue* v = report.Value(table, year, key, measure);
  return v == nullptr ? 0 : v->value;
}

std::string CountryLabel(std::string_view code, Lang lang) { return LocalCountryName(MakeCountry(code), lang); }

// "United States 1,234, Germany 987, …" with person counts suppressed; the
// ranking is taken on the exact counts.
std::string ListWithCounts(const std::vector<Ranked>& items, int min_cell, Lang lang, bool countries) {
  std::string s;
  for (const Ranked& r : items) {
    bool suppressed = false;
    std::string n = PersonCount(r.value, min_cell, lang, &suppressed);
    if (!s.empty()) s += ", ";
    s += fmt::format("{} ({})", countries ? CountryLabel(r.key, lang) : r.key, n);
  }
  return s;
}

class Builder {
 public:
  explicit Builder(const SheetInputs& in) : in_(in), lang_(in.lang) {}

  Sheet Build() {
    Sheet sheet;
    sheet.org_name = in_.org_name;
    sheet.year = in_.year;
    sheet.lang = lang_;
    sheet.min_cell = in_.min_cell;
    sheet.title = lang_ == Lang::kFr
                      ? fmt::format("{} — chiffres clés de l'activité internationale, {}", in_.org_name, in_.year)
                      : fmt::format("{} — international activity key figures, {}", in_.org_name, in_.year);
    sheet.sections.push_back(Publications());
    sheet.sections.push_back(People());
    sheet.sections.push_back(Recruitment());
    sheet.sections.push_back(Missions());
    sheet.sections.push_back(Visitors());
    sheet.sections.push_back(Structures());
    sheet.sections.push_back(Mobility());
    return sheet;
  }

 private:
  std::string T(Text t) const { return t.In(lang_); }

  Figure Missing(std::string id, Text label, Text why) const {
    Figure f;
    f.id = std::move(id);
    f.label = T(label);
    f.value = Unavailable(lang_);
    f.available = false;
    f.source = T(why);
    return f;
  }

  // ---- Publications -------------------------------------------------------
  const PeriodIndicators* Year() const {
    if (in_.publications == nullptr) return nullptr;
    for (const PeriodIndicators& p : in_.publications->by_year)
      if (p.first_year == in_.year && p.last_year == in_.year) return &p;
    return nullptr;
  }

  std::string PubSource() const {
    return in_.publications_source;
  }

  Section Publications() const {
    Section s{"publications", T({"Publications", "Publications"}), {}};
    const PeriodIndicators* y = Year();
    const Text no_pub{"not available: no publications given (works files or --store)",
                      "indisponible : aucune publication fournie (fichiers de works ou --store)"};
    if (y == nullptr) {
      s.figures.push_back(Missing("publications.p", {"Publications", "Publications"}, no_pub));
      s.figures.push_back(Missing("publications.pp_foreign",
                                  {"Share involving a foreign laboratory", "Part impliquant un laboratoire étranger"},
                                  no_pub));
      s.figures.push_back(Missing("publications.partner_countries", {"First partner countries", "Premiers pays partenaires"},
                                  no_pub));
      return s;
    }
    const Tally& t = y->tally;
    {
      Figure f;
      f.id = "publications.p";
      f.label = T({"Publications (full counting)", "Publications (compte entier)"});
      f.number = static_cast<double>(t.p);
      f.value = FormatCount(static_cast<double>(t.p), lang_);
      f.source = PubSource();
      f.method = T({"Works published in the year with at least one institution of the organisation: its own ids, "
                    "their lineage or their descendants in the ROR registry; each work counts once "
                    "(docs/indicators.md, Counting).",
                    "Publications de l'année dont au moins une institution relève de l'organisation (ses "
                    "identifiants, leur lignée ou leurs descendants dans le registre ROR) ; chaque publication compte "
                    "une fois (docs/indicators.md, Counting)."});
      s.figures.push_back(std::move(f));
    }
    {
      Figure f;
      f.id = "publications.p_frac";
      f.label = T({"Publications (fractional counting)", "Publications (compte fractionnaire)"});
      f.number = t.p_frac.value();
      f.value = FormatDecimal(t.p_frac.value(), 1);
      f.source = PubSource();
      f.method = T({"Leiden fractional counting: each work gives the organisation the share of its authorships "
                    "affiliated with it, f(w) = (1/N) × Σ |I(a) ∩ S| / |I(a)|.",
                    "Compte fractionnaire (Leiden) : chaque publication apporte à l'organisation la part de ses "
                    "signatures qui lui sont affiliées, f(w) = (1/N) × Σ |I(a) ∩ S| / |I(a)|."});
      s.figures.push_back(std::move(f));
    }
    s.figures.push_back(Pp(*y, Indicator::kForeign, "publications.pp_foreign",
                           {"Share of publications involving at least one foreign laboratory",
                            "Part des publications impliquant au moins un laboratoire étranger"},
                           {"Works whose countries include a country other than the home country h (foreign(w)), "
                            "over all works of the year; 95% bootstrap interval over works.",
                            "Publications dont les pays comptent un pays autre que le pays d'attache h (foreign(w)), "
                            "rapportées à toutes les publications de l'année ; intervalle bootstrap à 95 %."}));
    s.figures.push_back(Pp(*y, Indicator::kIntCollab, "publications.pp_int_collab",
                           {"Share of international co-publications (Leiden PP(int collab))",
                            "Part de copublications internationales (PP(int collab) de Leiden)"},
                           {"Works with authors in two countries or more, over all works of the year.",
                            "Publications dont les auteurs relèvent d'au moins deux pays, rapportées à toutes les "
                            "publications de l'année."}));
    {
      Figure f;
      f.id = "publications.partner_countries";
      f.label = T({"First partner countries", "Premiers pays partenaires"});
      std::string list;
      for (size_t i = 0; i < y->partner_countries.size() && i < in_.top; ++i) {
        const PartnerCountryRow& r = y->partner_countries[i];
        if (!list.empty()) list += ", ";
        list += fmt::format(fmt::runtime(lang_ == Lang::kFr ? "{} ({} ; {})" : "{} ({}, {})"),
                            LocalCountryName(r.country, lang_),
                            FormatCount(static_cast<double>(r.copubs.full), lang_), FormatPercent(r.share, lang_));
        if (i == 0) f.number = static_cast<double>(r.copubs.full);
      }
      f.value = list.empty() ? Unavailable(lang_) : list;
      f.available = !list.empty();
      f.source = PubSource();
      f.method = T({"Countries other than the home country, ranked by the number of the organisation's works they "
                    "co-sign (full counting), with the share of all its works.",
                    "Pays autres que le pays d'attache, classés par nombre de publications de l'organisation qu'ils "
                    "cosignent (compte entier), avec leur part de toutes ses publications."});
      s.figures.push_back(std::move(f));
    }
    {
      Figure f;
      f.id = "publications.partner_institutions";
      f.label = T({"First partner institutions", "Premières institutions partenaires"});
      std::string list;
      for (size_t i = 0; i < y->partner_institutions.size() && i < in_.top; ++i) {
        const PartnerInstitutionRow& r = y->partner_institutions[i];
        if (!list.empty()) list += "; ";
        std::string country = r.info.country == kNoCountry ? "" : LocalCountryName(r.info.country, lang_) + ", ";
        list += fmt::format("{} ({}{})", r.info.name.empty() ? "?" : r.info.name, country,
                            FormatCount(static_cast<double>(r.copubs.full), lang_));
      }
      f.value = list.empty() ? Unavailable(lang_) : list;
      f.available = !list.empty();
      f.source = PubSource();
      f.method = T({"Institutions outside the organisation, unified through their lineage, ranked by co-signed works.",
                    "Institutions extérieures à l'organisation, unifiées par leur lignée, classées par publications "
                    "cosignées."});
      s.figures.push_back(std::move(f));
    }
    return s;
  }

  Figure Pp(const PeriodIndicators& y, Indicator ind, std::string id, Text label, Text method) const {
    Figure f;
    f.id = std::move(id);
    f.label = T(label);
    const auto& pp = y.pp[static_cast<int>(ind)];
    if (!pp) {
      f.value = Unavailable(lang_);
      f.available = false;
    } else {
      f.number = *pp;
      const uint64_t n = y.tally.flagged[static_cast<int>(ind)];
      f.value = fmt::format("{} ({} / {})", FormatPercent(*pp, lang_), FormatCount(static_cast<double>(n), lang_),
                            FormatCount(static_cast<double>(y.tally.p), lang_));
      const auto& ci = y.ci[static_cast<int>(ind)];
      if (ci)
        f.value += fmt::format(fmt::runtime(lang_ == Lang::kFr ? " ; IC 95 % {}–{}" : "; 95% CI {}–{}"), FormatPercent(ci->low, lang_),
                               FormatPercent(ci->high, lang_));
    }
    f.source = PubSource();
    f.method = T(method);
    return f;
  }

  // ---- The organisation's records -----------------------------------------
  std::string HrSource(Text what) const {
    return T(what) + (lang_ == Lang::kFr ? " — " : " — ") + in_.hr_source;
  }
  const Text no_hr_{"not available: no HR database given (--hr-db)",
                    "indisponible : aucune base RH fournie (--hr-db)"};

  // A "n foreign of m (share)" figure over the sum of categories.
  Figure ForeignStaff(std::string id, Text label, std::initializer_list<std::string_view> categories) const {
    if (in_.hr == nullptr) return Missing(std::move(id), label, no_hr_);
    double foreign = 0, staff = 0;
    for (std::string_view c : categories) {
      foreign += HrNumber(*in_.hr, "staff_by_category", in_.year, c, "foreign");
      staff += HrNumber(*in_.hr, "staff_by_category", in_.year, c, "staff");
    }
    Figure f;
    f.id = std::move(id);
    f.label = T(label);
    auto v = Suppress({Count(foreign), Count(staff), Share(foreign, staff, 0, 1)}, in_.min_cell);
    f.suppressed = v[0].suppressed;
    std::string n = v[0].suppressed ? Suppressed(in_.min_cell) : FormatCount(foreign, lang_);
    std::string of = v[1].suppressed ? Suppressed(in_.min_cell) : FormatCount(staff, lang_);
    std::string share = v[2].suppressed || staff == 0 ? "" : FormatPercent(foreign / staff, lang_);
    if (!v[0].suppressed) f.number = foreign;
    f.value = share.empty() ? fmt::format(fmt::runtime(lang_ == Lang::kFr ? "{} sur {}" : "{} of {}"), n, of)
                            : fmt::format(fmt::runtime(lang_ == Lang::kFr ? "{} sur {} ({})" : "{} of {} ({})"), n, of, share);
    f.source = HrSource({"HR records, people", "Dossiers RH, personnes"});
    f.method = T({"People in post at any time during the year (start ≤ 31 Dec, end empty or ≥ 1 Jan) in the "
                  "categories named; foreign: nationality other than the home country. Counts under the threshold "
                  "are shown as <N.",
                  "Personnes en poste à un moment de l'année (début ≤ 31 déc., fin vide ou ≥ 1er janv.) dans les "
                  "catégories nommées ; étrangères : nationalité autre que celle du pays d'attache. Les effectifs "
                  "sous le seuil sont affichés <N."});
    return f;
  }

  Section People() const {
    Section s{"people", T({"Foreign staff", "Personnels étrangers"}), {}};
    s.figures.push_back(ForeignStaff("people.foreign_researchers_phd_postdocs",
                                     {"Foreign researchers, PhD students and postdocs",
                                      "Chercheurs, doctorants et post-doctorants étrangers"},
                                     {"researcher", "phd_student", "postdoc"}));
    s.figures.push_back(ForeignStaff("people.foreign_researchers", {"Foreign researchers", "Chercheurs étrangers"},
                                     {"researcher"}));
    s.figures.push_back(ForeignStaff("people.foreign_phd_students", {"Foreign PhD students", "Doctorants étrangers"},
                                     {"phd_student"}));
    s.figures.push_back(ForeignStaff("people.foreign_postdocs", {"Foreign postdocs", "Post-doctorants étrangers"},
                                     {"postdoc"}));
    s.figures.push_back(ForeignStaff("people.foreign_engineers",
                                     {"Foreign engineers and technicians", "Ingénieurs et techniciens étrangers"},
                                     {"engineer"}));
    return s;
  }

  Section Recruitment() const {
    Section s{"recruitment", T({"Recruitment", "Recrutement"}), {}};
    const Text label{"Foreign share of the people recruited in the year", "Part d'étrangers parmi les recrutés de l'année"};
    if (in_.hr == nullptr) {
      s.figures.push_back(Missing("recruitment.foreign_share", label, no_hr_));
      return s;
    }
    const double recruits = HrNumber(*in_.hr, "recruits", in_.year, "all", "recruits");
    const double foreign = HrNumber(*in_.hr, "recruits", in_.year, "all", "foreign");
    auto v = Suppress({Count(foreign), Count(recruits), Share(foreign, recruits, 0, 1)}, in_.min_cell);
    Figure f;
    f.id = "recruitment.foreign_share";
    f.label = T(label);
    f.suppressed = v[2].suppressed;
    if (!v[2].suppressed && recruits > 0) f.number = foreign / recruits;
    std::string share = f.number ? FormatPercent(*f.number, lang_) : Suppressed(in_.min_cell);
    std::string n = v[0].suppressed ? Suppressed(in_.min_cell) : FormatCount(foreign, lang_);
    std::string of = v[1].suppressed ? Suppressed(in_.min_cell) : FormatCount(recruits, lang_);
    f.value = fmt::format(fmt::runtime(lang_ == Lang::kFr ? "{} ({} sur {})" : "{} ({} of {})"), share, n, of);
    f.source = HrSource({"HR records, recruitments", "Dossiers RH, recrutements"});
    f.method = T({"Recruitments of the year whose nationality is not the home country's, over all recruitments of "
                  "the year.",
                  "Recrutements de l'année dont la nationalité n'est pas celle du pays d'attache, rapportés à tous "
                  "les recrutements de l'année."});
    const std::string source = f.source;
    s.figures.push_back(std::move(f));
    auto prev = Top(*in_.hr, "recruits_by_previous_country", in_.year, "recruits", in_.top, {"unknown"});
    Figure p;
    p.id = "recruitment.previous_countries";
    p.label = T({"Countries the recruits came from", "Pays de provenance des recrutés"});
    p.value = prev.empty() ? Unavailable(lang_) : ListWithCounts(prev, in_.min_cell, lang_, true);
    p.available = !prev.empty();
    if (!prev.empty()) p.number = prev[0].value;
    p.source = source;
    p.method = T({"Previous country of work stated in the recruitment record, most frequent first.",
                  "Pays d'activité précédent indiqué dans le dossier de recrutement, du plus fréquent au moins "
                  "fréquent."});
    s.figures.push_back(std::move(p));
    return s;
  }

  Section Missions() const {
    Section s{"missions", T({"Missions abroad", "Missions à l'étranger"}), {}};
    const Text label{"Missions abroad started in the year", "Missions à l'étranger commencées dans l'année"};
    if (in_.hr == nullptr) {
      s.figures.push_back(Missing("missions.abroad", label, no_hr_));
      return s;
    }
    const std::string source = HrSource({"HR records, missions", "Dossiers RH, missions"});
    const double abroad = HrNumber(*in_.hr, "totals", in_.year, "missions_abroad", "count");
    Figure f;
    f.id = "missions.abroad";
    f.label = T(label);
    f.value = PersonCount(abroad, in_.min_cell, lang_, &f.suppressed);
    if (!f.suppressed) f.number = abroad;
    f.source = source;
    f.method = T({"Missions whose destination country is not the home country, counted in the year of their start "
                  "date; a person on several missions counts once per mission.",
                  "Missions dont le pays de destination n'est pas le pays d'attache, comptées l'année de leur début ; "
                  "une personne partie plusieurs fois compte une fois par mission."});
    s.figures.push_back(std::move(f));
    auto dest = Top(*in_.hr, "missions_by_country", in_.year, "missions", in_.top);
    Figure d;
    d.id = "missions.destinations";
    d.label = T({"First destination countries", "Premiers pays de destination"});
    d.value = dest.empty() ? Unavailable(lang_) : ListWithCounts(dest, in_.min_cell, lang_, true);
    d.available = !dest.empty();
    if (!dest.empty()) d.number = dest[0].value;
    d.source = source;
    d.method = T({"Missions abroad by destination country, most frequent first.",
                  "Missions à l'étranger par pays de destination, du plus fréquent au moins fréquent."});
    s.figures.push_back(std::move(d));
    // Duration classes as shares of the missions abroad.
    static const std::pair<const char*, Text> kClasses[] = {
        {"up_to_7_days", {"up to a week", "jusqu'à une semaine"}},
        {"8_to_31_days", {"up to a month", "jusqu'à un mois"}},
        {"32_to_365_days", {"up to a year", "jusqu'à un an"}},
        {"over_365_days", {"longer", "au-delà"}}};
    std::vector<hr::HrValue> cells;
    double total = 0;
    for (const auto& [key, text] : kClasses) total += HrNumber(*in_.hr, "missions_by_duration", in_.year, key, "missions");
    cells.push_back(Count(total));
    for (const auto& [key, text] : kClasses) {
      double n = HrNumber(*in_.hr, "missions_by_duration", in_.year, key, "missions");
      cells.push_back(Count(n));
      cells.push_back(Share(n, total, static_cast<int>(cells.size()) - 1, 0));
    }
    cells = Suppress(std::move(cells), in_.min_cell);
    std::string parts;
    for (size_t i = 0; i < 4; ++i) {
      const hr::HrValue& share = cells[2 + 2 * i];
      if (!parts.empty()) parts += ", ";
      parts += fmt::format("{} {}", kClasses[i].second.In(lang_),
                           share.suppressed || total == 0 ? Suppressed(in_.min_cell) : FormatPercent(share.value, lang_));
    }
    Figure dur;
    dur.id = "missions.duration";
    dur.label = T({"Missions abroad by duration", "Missions à l'étranger par durée"});
    dur.value = total == 0 ? Unavailable(lang_) : parts;
    dur.available = total > 0;
    dur.source = source;
    dur.method = T({"Duration = end − start + 1 days: up to 7 days, 8 to 31, 32 to 365, longer; shares of the missions "
                    "abroad of the year.",
                    "Durée = fin − début + 1 jours : jusqu'à 7 jours, de 8 à 31, de 32 à 365, au-delà ; parts des "
                    "missions à l'étranger de l'année."});
    s.figures.push_back(std::move(dur));
    return s;
  }

  Section Visitors() const {
    Section s{"visitors", T({"Foreign visitors", "Chercheurs invités"}), {}};
    const Text label{"Visitors received in the year", "Visiteurs accueillis dans l'année"};
    if (in_.hr == nullptr) {
      s.figures.push_back(Missing("visitors.total", label, no_hr_));
      return s;
    }
    const std::string source = HrSource({"HR records, visitors", "Dossiers RH, visiteurs"});
    const double n = HrNumber(*in_.hr, "totals", in_.year, "visitors", "count");
    Figure f;
    f.id = "visitors.total";
    f.label = T(label);
    f.value = PersonCount(n, in_.min_cell, lang_, &f.suppressed);
    if (!f.suppressed) f.number = n;
    f.source = source;
    f.method = T({"Incoming visits starting in the year, hosted by the organisation's units.",
                  "Séjours de visiteurs commençant dans l'année, accueillis par les unités de l'organisation."});
    s.figures.push_back(std::move(f));
    auto origins = Top(*in_.hr, "visitors_by_country", in_.year, "visitors", in_.top);
    Figure o;
    o.id = "visitors.origins";
    o.label = T({"First countries of origin", "Premiers pays d'origine"});
    o.value = origins.empty() ? Unavailable(lang_) : ListWithCounts(origins, in_.min_cell, lang_, true);
    o.available = !origins.empty();
    if (!origins.empty()) o.number = origins[0].value;
    o.source = source;
    o.method = T({"Visits by the country of the visitor's home institution, most frequent first.",
                  "Séjours par pays de l'institution d'origine du visiteur, du plus fréquent au moins fréquent."});
    s.figures.push_back(std::move(o));
    return s;
  }

  Section Structures() const {
    Section s{"structures", T({"International structures", "Structures internationales"}), {}};
    const Text label{"International structures active in the year", "Structures internationales actives dans l'année"};
    if (in_.hr == nullptr) {
      s.figures.push_back(Missing("structures.by_type", label, no_hr_));
      return s;
    }
    const std::string source = HrSource({"records of international structures", "registre des structures internationales"});
    const double total = HrNumber(*in_.hr, "totals", in_.year, "structures", "count");
    std::string types;
    for (const char* type : {"IRL", "IRP", "IRN", "IEA", "IRC"}) {
      double n = HrNumber(*in_.hr, "structures_by_type", in_.year, type, "structures");
      if (n == 0) continue;
      if (!types.empty()) types += ", ";
      types += fmt::format("{} {}", type, FormatCount(n, lang_));
    }
    Figure f;
    f.id = "structures.by_type";
    f.label = T(label);
    f.number = total;
    f.value = total == 0 ? FormatCount(0, lang_) : fmt::format("{} ({})", FormatCount(total, lang_), types);
    f.source = source;
    f.method = T({"Structures whose period covers part of the year, by type: IRL international research laboratory, "
                  "IRP project, IRN network, IEA emerging action, IRC research centre. Structures are not persons: no "
                  "suppression.",
                  "Structures dont la période couvre une partie de l'année, par type : IRL laboratoire de recherche "
                  "international, IRP projet, IRN réseau, IEA action émergente, IRC centre de recherche. Les "
                  "structures ne sont pas des personnes : pas de masquage."});
    s.figures.push_back(std::move(f));
    auto countries = Top(*in_.hr, "structures_by_country", in_.year, "structures", in_.top);
    Figure c;
    c.id = "structures.countries";
    c.label = T({"First partner countries of the structures", "Premiers pays partenaires des structures"});
    std::string list;
    for (const Ranked& r : countries) {
      if (!list.empty()) list += ", ";
      list += fmt::format("{} ({})", CountryLabel(r.key, lang_), FormatCount(r.value, lang_));
    }
    c.value = list.empty() ? Unavailable(lang_) : list;
    c.available = !list.empty();
    if (!countries.empty()) c.number = countries[0].value;
    c.source = source;
    c.method = T({"Partner countries of the active structures (the home country excluded), most frequent first.",
                  "Pays partenaires des structures actives (hors pays d'attache), du plus fréquent au moins fréquent."});
    s.figures.push_back(std::move(c));
    return s;
  }

  // ---- Bibliometric mobility ----------------------------------------------
  Section Mobility() const {
    Section s{"mobility", T({"Bibliometric mobility of authors", "Mobilité bibliométrique des auteurs"}), {}};
    const Text in_label{"Authors arriving in the organisation", "Auteurs arrivant dans l'organisation"};
    const Text out_label{"Authors leaving the organisation", "Auteurs quittant l'organisation"};
    const Text no_mob{"not available: no author or work records given for mobility (--authors)",
                      "indisponible : aucune donnée d'auteurs ou de publications pour la mobilité (--authors)"};
    const mobility::OrgYearFlows* flows = nullptr;
    if (in_.mobility != nullptr) {
      auto it = in_.mobility->org.find(in_.year);
      static const mobility::OrgYearFlows kNone;
      flows = it == in_.mobility->org.end() ? &kNone : &it->second;
    }
    if (flows == nullptr) {
      s.figures.push_back(Missing("mobility.incoming", in_label, no_mob));
      s.figures.push_back(Missing("mobility.outgoing", out_label, no_mob));
      return s;
    }
    const std::string source = T({"Author publication histories: ", "Parcours de publication des auteurs : "}) +
                               in_.mobility_source;
    const Text method{"Robinson-Garcia et al. (2019): an author enters the organisation in year y when it is among "
                      "their affiliations in y and not in their previous observed year, and leaves in the opposite "
                      "case; migrants and travellers, the non-mobile excluded from the flows "
                      "(docs/indicators.md, Mobility).",
                      "Robinson-Garcia et al. (2019) : un auteur entre dans l'organisation l'année y quand elle "
                      "figure parmi ses affiliations en y et non l'année observée précédente, et la quitte dans le cas "
                      "inverse ; migrants et voyageurs (docs/indicators.md, Mobility)."};
    auto flow = [&](std::string id, Text label, uint64_t n, const std::map<CountryCode, uint64_t>& countries,
                    Text countries_word) {
      Figure f;
      f.id = std::move(id);
      f.label = T(label);
      std::string count = PersonCount(static_cast<double>(n), in_.min_cell, lang_, &f.suppressed);
      if (!f.suppressed) f.number = static_cast<double>(n);
      std::vector<Ranked> top;
      for (const auto& [c, k] : countries)
        if (c != kNoCountry) top.push_back(Ranked{CountryName(c), static_cast<double>(k)});
      std::sort(top.begin(), top.end(), [](const Ranked& a, const Ranked& b) {
        return a.value != b.value ? a.value > b.value : a.key < b.key;
      });
      if (top.size() > in_.top) top.resize(in_.top);
      f.value = top.empty() ? count
                            : fmt::format("{} — {} {}", count, T(countries_word),
                                          ListWithCounts(top, in_.min_cell, lang_, true));
      f.source = source;
      f.method = T(method);
      return f;
    };
    s.figures.push_back(flow("mobility.incoming", in_label, flows->TotalIncoming(), flows->origins,
                             {"from", "venant de :"}));
    s.figures.push_back(flow("mobility.outgoing", out_label, flows->TotalOutgoing(), flows->destinations,
                             {"to", "vers :"}));
    Figure net;
    net.id = "mobility.net";
    net.label = T({"Net balance of authors", "Solde net d'auteurs"});
    net.suppressed = hr::IsSmallCount(static_cast<double>(flows->TotalIncoming()), in_.min_cell) ||
                     hr::IsSmallCount(static_cast<double>(flows->TotalOutgoing()), in_.min_cell);
    if (net.suppressed) {
      net.value = Suppressed(in_.min_cell);
    } else {
      net.number = static_cast<double>(flows->net());
      net.value = fmt::format("{}{}", flows->net() > 0 ? "+" : "", FormatCount(static_cast<double>(flows->net()), lang_));
    }
    net.source = source;
    net.method = T({"Arrivals minus departures in the year; suppressed when either is under the threshold.",
                    "Arrivées moins départs dans l'année ; masqué quand l'un des deux est sous le seuil."});
    s.figures.push_back(std::move(net));
    return s;
  }

  std::string FormatDecimal(double v, int digits) const {
    std::string s = fmt::format("{:.{}f}", v, digits);
    if (lang_ == Lang::kFr) std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }

  const SheetInputs& in_;
  Lang lang_;
};

}  // namespace

const Figure* Sheet::Find(std::string_view id) const {
  for (const Section& s : sections)
    for (const Figure& f : s.figures)
      if (f.id == id) return &f;
  return nullptr;
}

std::string FormatCount(double n, Lang lang) {
  const bool negative = n < 0;
  std::string digits = fmt::format("{}", static_cast<uint64_t>(std::llround(std::fabs(n))));
  std::string out;
  const std::string sep = lang == Lang::kFr ? kNarrowNbsp : ",";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return negative ? "-" + out : out;
}

std::string FormatPercent(double share, Lang lang) {
  std::string s = fmt::format("{:.1f}", 100.0 * share);
  if (lang == Lang::kFr) {
    std::replace(s.begin(), s.end(), '.', ',');
    return s + kNbsp + "%";
  }
  return s + "%";
}

Sheet BuildSheet(const SheetInputs& in) { return Builder(in).Build(); }

}  // namespace coopscope::keyfigures
