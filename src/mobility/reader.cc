#include "mobility/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <unordered_set>

#include "io/json_records.h"
#include "sources/openalex/json_fields.h"
#include "sources/openalex/snapshot.h"
#include "sources/openalex/work_parser.h"

namespace coopscope::mobility {
namespace {

using openalex_json::FieldError;
using openalex_json::KeyIs;
using openalex_json::StringOrNull;
using simdjson::ondemand::array;
using simdjson::ondemand::object;
using simdjson::ondemand::raw_json_string;
using simdjson::ondemand::value;

bool IsNull(value v) {
  bool is_null = false;
  return !v.is_null().get(is_null) && is_null;
}

}  // namespace

InstitutionResolver::Resolved InstitutionResolver::Resolve(OpenAlexId id, RorId ror, CountryCode stated,
                                                           const OpenAlexId* lineage, size_t lineage_size,
                                                           bool has_lineage) const {
  Resolved r;
  const RegistryEntry* entry = nullptr;
  const bool have_registry = registry_ != nullptr && registry_->size() != 0;
  if (have_registry && (stated == kNoCountry || !has_lineage || ror == 0)) entry = registry_->Find(id, ror);
  CountryCode c = stated;
  if (c == kNoCountry && entry != nullptr) c = entry->country;
  r.country = policy_->Map(c);
  if (scope_ != nullptr) {
    if (entry != nullptr) {
      if (ror == 0) ror = entry->ror;
      if (!has_lineage && !entry->lineage.empty()) {
        lineage = entry->lineage.data();
        lineage_size = entry->lineage.size();
      }
    }
    r.in_scope = scope_->Contains(id, ror, lineage, lineage_size);
  }
  return r;
}

Status AuthorParser::ParseInstitution(object& obj, InstitutionResolver::Resolved* out) {
  OpenAlexId id = 0;
  RorId ror = 0;
  CountryCode country = kNoCountry;
  bool has_lineage = false;
  lineage_.clear();
  for (auto field : obj) {
    raw_json_string key;
    if (auto e = field.key().get(key)) return FieldError("institution", e);
    value v = field.value();
    std::string_view s;
    if (KeyIs(key, "id")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institution.id", e);
      id = ParseOpenAlexId(s, 'I');
    } else if (KeyIs(key, "ror")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institution.ror", e);
      ror = ParseRorId(s);
    } else if (KeyIs(key, "country_code")) {
      if (auto e = StringOrNull(v, &s)) return FieldError("institution.country_code", e);
      country = MakeCountry(s);
    } else if (KeyIs(key, "lineage")) {
      if (IsNull(v)) continue;
      array list;
      if (auto e = v.get_array().get(list)) return FieldError("institution.lineage", e);
      has_lineage = true;
      for (auto item : list) {
        if (auto e = item.get_string().get(s)) return FieldError("institution.lineage", e);
        if (OpenAlexId x = ParseOpenAlexId(s, 'I')) lineage_.push_back(x);
      }
    }
  }
  *out = resolver_.Resolve(id, ror, country, lineage_.data(), lineage_.size(), has_lineage);
  return Status::Ok();
}

Status AuthorParser::Parse(object& obj, AuthorHistory* h) {
  h->clear();
  last_known_.clear();
  updated_micros_ = 0;
  bool has_affiliations = false;
  uint64_t publications = 0;
  int32_t last_active = 0;
  for (auto field : obj) {
    raw_json_string key;
    if (auto e = field.key().get(key)) return FieldError("(key)", e);
    value v = field.value();
    if (KeyIs(key, "id")) {
      if (Status st = openalex_json::EntityId(v, 'A', "author", &h->author); !st.ok()) return st;
    } else if (KeyIs(key, "updated_date")) {
      if (Status st = openalex_json::UpdatedDate(v, &updated_micros_); !st.ok()) return st;
    } else if (KeyIs(key, "affiliations")) {
      if (IsNull(v)) continue;
      array list;
      if (auto e = v.get_array().get(list)) return FieldError("affiliations", e);
      for (auto item : list) {
        object aff;
        if (auto e = item.get_object().get(aff)) return FieldError("affiliations[]", e);
        InstitutionResolver::Resolved inst;
        bool has_inst = false;
        years_.clear();
        for (auto af : aff) {
          raw_json_string ak;
          if (auto e = af.key().get(ak)) return FieldError("affiliations[]", e);
          value av = af.value();
          if (KeyIs(ak, "institution")) {
            if (IsNull(av)) continue;
            object io;
            if (auto e = av.get_object().get(io)) return FieldError("affiliations[].institution", e);
            if (Status st = ParseInstitution(io, &inst); !st.ok()) return st;
            has_inst = true;
          } else if (KeyIs(ak, "years")) {
            array ys;
            if (auto e = av.get_array().get(ys)) return FieldError("affiliations[].years", e);
            for (auto y : ys) {
              int64_t year;
              if (auto e = y.get_int64().get(year)) return FieldError("affiliations[].years", e);
              if (year < 1000 || year > 2999)
                return Status(ErrorCode::kParse, fmt::format("affiliations[].years: {} is out of range", year));
              years_.push_back(static_cast<int32_t>(year));
            }
          }
        }
        if (!has_inst) continue;
        has_affiliations = true;
        for (int32_t y : years_) h->Add(y, inst.country, inst.in_scope);
      }
    } else if (KeyIs(key, "last_known_institution") || KeyIs(key, "last_known_institutions")) {
      // One object (until 2023) or a list of them (2024+).
      if (IsNull(v)) continue;
      array list;
      object io;
      InstitutionResolver::Resolved inst;
      if (!v.get_array().get(list)) {
        for (auto item : list) {
          if (auto e = item.get_object().get(io)) return FieldError("last_known_institutions[]", e);
          if (Status st = ParseInstitution(io, &inst); !st.ok()) return st;
          last_known_.push_back(inst);
        }
      } else {
        if (auto e = v.get_object().get(io)) return FieldError("last_known_institution", e);
        if (Status st = ParseInstitution(io, &inst); !st.ok()) return st;
        last_known_.push_back(inst);
      }
    } else if (KeyIs(key, "counts_by_year")) {
      if (IsNull(v)) continue;
      array list;
      if (auto e = v.get_array().get(list)) return FieldError("counts_by_year", e);
      for (auto item : list) {
        object co;
        if (auto e = item.get_object().get(co)) return FieldError("counts_by_year[]", e);
        int64_t year = 0, works = 0;
        for (auto cf : co) {
          raw_json_string ck;
          if (auto e = cf.key().get(ck)) return FieldError("counts_by_year[]", e);
          if (KeyIs(ck, "year")) {
            if (auto e = cf.value().get_int64().get(year)) return FieldError("counts_by_year[].year", e);
          } else if (KeyIs(ck, "works_count")) {
            if (auto e = cf.value().get_int64().get(works)) return FieldError("counts_by_year[].works_count", e);
          }
        }
        if (works <= 0 || year < 1000 || year > 2999) continue;
        if (options_.InWindow(static_cast<int>(year))) publications += static_cast<uint64_t>(works);
        last_active = std::max(last_active, static_cast<int32_t>(year));
      }
    }
  }
  if (h->author == 0) return Status(ErrorCode::kParse, "record without an \"id\": not an OpenAlex author");
  // Old records: the last known institution, in the last year with works.
  if (!has_affiliations && last_active != 0)
    for (const auto& inst : last_known_) h->Add(last_active, inst.country, inst.in_scope);
  h->publications = static_cast<uint32_t>(std::min<uint64_t>(publications, UINT32_MAX));
  return Status::Ok();
}

void ObserveWork(const Work& work, const InstitutionResolver& resolver, std::vector<WorkObservation>* out) {
  for (const Authorship& a : work.authorships) {
    if (a.author == 0) continue;
    for (uint32_t i = a.inst_begin; i < a.inst_end; ++i) {
      const InstitutionRef& ref = work.institutions[i];
      auto r = resolver.Resolve(ref.id, ref.ror, ref.country, work.lineage.data() + ref.lineage_begin,
                                ref.lineage_end - ref.lineage_begin, ref.has_lineage);
      out->push_back({a.author, work.year, r.country, r.in_scope});
    }
    for (uint32_t i = a.country_begin; i < a.country_end; ++i)
      out->push_back({a.author, work.year, resolver.Map(work.countries[i]), false});
    // An authorship without any institution or country still counts the
    // author (and the work among its publications).
    if (a.inst_begin == a.inst_end && a.country_begin == a.country_end)
      out->push_back({a.author, work.year, kNoCountry, false});
  }
}

namespace {

struct AuthorVersion {
  OpenAlexId author;
  int64_t updated;
  uint64_t seq;
};

// What one pass over the author files does besides reading.
struct AuthorPassPlan {
  bool tally = true;                               // add histories to the sums
  const HistoryFn* on_history = nullptr;
  const std::vector<bool>* skip = nullptr;         // positions of older versions, left out
  std::vector<OpenAlexId>* ids = nullptr;          // every accepted id, in order
  const std::vector<OpenAlexId>* watched = nullptr;  // sorted ids read more than once
  std::vector<AuthorVersion>* versions = nullptr;  // versions of the watched ids
};

Status AuthorPass(const InputSet& set, const MobilityOptions& options, const InstitutionResolver& resolver,
                  const Limits& limits, std::vector<Reject>* rejects, const AuthorPassPlan& plan, MobilityRun* run) {
  JsonRecordReader reader(limits, rejects);
  AuthorParser parser(resolver, options);
  AuthorHistory history;
  uint64_t seq = 0;
  reader.set_on_accept([&](const RecordPos&) {
    const uint64_t at = seq++;
    if (plan.ids != nullptr) plan.ids->push_back(history.author);
    if (plan.watched != nullptr && std::binary_search(plan.watched->begin(), plan.watched->end(), history.author))
      plan.versions->push_back({history.author, parser.updated_micros(), at});
    if (!plan.tally || (plan.skip != nullptr && (*plan.skip)[at])) return;
    history.Finish(options);
    MobilityClass cls = run->tally.Add(history, options);
    ++run->counts.authors;
    if (plan.on_history != nullptr && *plan.on_history) (*plan.on_history)(history, cls);
  });
  RecordFn fn = [&](object& obj, const RecordPos&) { return parser.Parse(obj, &history); };
  for (const std::string& path : set.data_files) {
    ReadCounts counts;
    if (Status st = reader.ReadFile(path, fn, &counts); !st.ok()) return st;
    ++run->counts.files;
    run->counts.read += counts.records;
    run->counts.rejected += counts.rejected;
    run->counts.bytes += counts.bytes;
  }
  return Status::Ok();
}

// The summing pass, the files shared among THREADS workers, each with its own
// reader, parser and tally; the tallies are merged (sums do not depend on the
// order).  Lists every accepted id in *ids.
Status FirstAuthorPass(const InputSet& set, const MobilityOptions& options, const InstitutionResolver& resolver,
                       const Limits& limits, std::vector<Reject>* rejects, unsigned threads, MobilityRun* run,
                       std::vector<OpenAlexId>* ids) {
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(set.data_files.size())));
  if (threads == 1) {
    AuthorPassPlan plan;
    plan.ids = ids;
    return AuthorPass(set, options, resolver, limits, rejects, plan, run);
  }
  struct Worker {
    MobilityRun run;
    std::vector<OpenAlexId> ids;
    std::vector<Reject> rejects;
    Status status;
  };
  std::vector<Worker> workers(threads);
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      Worker& w = workers[t];
      AuthorPassPlan plan;
      plan.ids = &w.ids;
      for (size_t f = next++; f < set.data_files.size() && w.status.ok(); f = next++) {
        InputSet one;
        one.data_files = {set.data_files[f]};
        w.status = AuthorPass(one, options, resolver, limits, &w.rejects, plan, &w.run);
      }
    });
  for (auto& th : pool) th.join();
  for (Worker& w : workers) {
    if (!w.status.ok()) return w.status;
    run->tally.Merge(w.run.tally);
    run->counts.files += w.run.counts.files;
    run->counts.read += w.run.counts.read;
    run->counts.rejected += w.run.counts.rejected;
    run->counts.bytes += w.run.counts.bytes;
    ids->insert(ids->end(), w.ids.begin(), w.ids.end());
    for (auto& r : w.rejects) rejects->push_back(std::move(r));
  }
  return Status::Ok();
}

// An author read twice counts once: the newest updated_date wins (ties: the
// last read).  The first pass sums everything and lists the ids (8 bytes per
// author).  Only when an id was read twice do two more passes run: one lists
// the versions of those ids, the last sums again without the older versions.
// A caller that wants each history gets them from a final pass.
Result<MobilityRun> CollectAuthors(const InputSet& set, const MobilityOptions& options,
                                   const InstitutionResolver& resolver, const Limits& limits,
                                   std::vector<Reject>* rejects, const HistoryFn& on_history, unsigned threads) {
  MobilityRun run;
  std::vector<OpenAlexId> ids;
  if (Status st = FirstAuthorPass(set, options, resolver, limits, rejects, threads, &run, &ids); !st.ok()) return st;
  std::sort(ids.begin(), ids.end());
  std::vector<OpenAlexId> watched;
  for (size_t i = 0; i + 1 < ids.size(); ++i)
    if (ids[i + 1] == ids[i] && (watched.empty() || watched.back() != ids[i])) watched.push_back(ids[i]);
  const uint64_t distinct = static_cast<uint64_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
  std::vector<bool> older;
  std::vector<Reject> repeated;  // the first pass has them
  if (!watched.empty()) {
    std::vector<AuthorVersion> versions;
    AuthorPassPlan list;
    list.tally = false;
    list.watched = &watched;
    list.versions = &versions;
    MobilityRun scratch;
    if (Status st = AuthorPass(set, options, resolver, limits, &repeated, list, &scratch); !st.ok()) return st;
    std::sort(versions.begin(), versions.end(), [](const AuthorVersion& a, const AuthorVersion& b) {
      return std::tie(a.author, a.updated, a.seq) < std::tie(b.author, b.updated, b.seq);
    });
    older.assign(run.counts.read - run.counts.rejected, false);
    for (size_t i = 0; i + 1 < versions.size(); ++i)
      if (versions[i + 1].author == versions[i].author) older[versions[i].seq] = true;
  }
  if (!watched.empty() || on_history) {
    MobilityRun again;
    AuthorPassPlan last;
    last.on_history = &on_history;
    if (!older.empty()) last.skip = &older;
    if (Status st = AuthorPass(set, options, resolver, limits, &repeated, last, &again); !st.ok()) return st;
    again.counts = run.counts;
    run = std::move(again);
  }
  run.counts.authors = distinct;
  run.counts.duplicates = run.counts.read - run.counts.rejected - distinct;
  run.counts.accepted = distinct;
  return run;
}

Result<MobilityRun> CollectWorks(const InputSet& set, const MobilityOptions& options,
                                 const InstitutionResolver& resolver, const Limits& limits,
                                 std::vector<Reject>* rejects, const HistoryFn& on_history) {
  MobilityRun run;
  struct Version {
    OpenAlexId work;
    int64_t updated;
    uint64_t seq;
  };
  struct Row {
    OpenAlexId author;
    OpenAlexId work;
    uint64_t seq;
    int32_t year;
    CountryCode country;
    bool in_scope;
  };
  std::vector<Version> versions;
  std::vector<Row> rows;
  std::vector<WorkObservation> scratch;
  JsonRecordReader reader(limits, rejects);
  WorkParser parser;
  Work work;
  reader.set_on_accept([&](const RecordPos&) {
    const uint64_t seq = versions.size();
    versions.push_back({work.id, work.updated_micros, seq});
    if (!options.InWindow(work.year)) return;
    scratch.clear();
    ObserveWork(work, resolver, &scratch);
    for (const WorkObservation& o : scratch) rows.push_back({o.author, work.id, seq, o.year, o.country, o.in_scope});
  });
  RecordFn fn = [&](object& obj, const RecordPos&) { return parser.Parse(obj, &work); };
  for (const std::string& path : set.data_files) {
    ReadCounts counts;
    if (Status st = reader.ReadFile(path, fn, &counts); !st.ok()) return st;
    ++run.counts.files;
    run.counts.read += counts.records;
    run.counts.rejected += counts.rejected;
    run.counts.bytes += counts.bytes;
  }
  std::unordered_set<OpenAlexId> merged;
  for (const std::string& path : set.merged_id_files)
    if (Status st = ReadMergedIds(path, &merged, rejects); !st.ok()) return st;

  // The newest version of each work wins (ties: the last read).
  std::sort(versions.begin(), versions.end(), [](const Version& a, const Version& b) {
    return std::tie(a.work, a.updated, a.seq) < std::tie(b.work, b.updated, b.seq);
  });
  std::vector<bool> winner(versions.size(), false);
  for (size_t i = 0; i < versions.size(); ++i) {
    if (i + 1 < versions.size() && versions[i + 1].work == versions[i].work) {
      ++run.counts.duplicates;
      continue;
    }
    ++run.counts.accepted;
    if (merged.count(versions[i].work)) {
      ++run.counts.merged_dropped;
      continue;
    }
    winner[versions[i].seq] = true;
  }
  std::erase_if(rows, [&](const Row& r) { return !winner[r.seq]; });
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.author, a.work) < std::tie(b.author, b.work);
  });
  AuthorHistory history;
  for (size_t i = 0; i < rows.size();) {
    size_t j = i;
    history.clear();
    history.author = rows[i].author;
    uint32_t works = 0;
    for (; j < rows.size() && rows[j].author == rows[i].author; ++j) {
      if (j == i || rows[j].work != rows[j - 1].work) ++works;
      history.Add(rows[j].year, rows[j].country, rows[j].in_scope);
    }
    history.publications = works;
    history.Finish(options);
    MobilityClass cls = run.tally.Add(history, options);
    ++run.counts.authors;
    if (on_history) on_history(history, cls);
    i = j;
  }
  return run;
}

}  // namespace

Result<MobilityRun> CollectMobility(const std::vector<std::string>& inputs, MobilitySource source,
                                    const MobilityOptions& options, const InstitutionResolver& resolver,
                                    const Limits& limits, std::vector<Reject>* rejects, const HistoryFn& on_history,
                                    unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // A snapshot root given for authors: its authors/ folder.
  std::vector<std::string> paths = inputs;
  if (source == MobilitySource::kAuthors)
    for (std::string& p : paths)
      if (std::filesystem::is_directory(std::filesystem::path(p) / "authors")) p = (std::filesystem::path(p) / "authors").string();
  auto set = DiscoverInputs(paths);
  if (!set.ok()) return set.status();
  if (source == MobilitySource::kAuthors) return CollectAuthors(set.value(), options, resolver, limits, rejects, on_history, threads);
  return CollectWorks(set.value(), options, resolver, limits, rejects, on_history);
}

}  // namespace coopscope::mobility
