#include "store/views.h"

#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <vector>

#include "indicators/report.h"
#include "io/threads.h"
#include "store/encoding.h"
#include "store/segment.h"

namespace coopscope::store {
namespace {

constexpr int kViewZstdLevel = 3;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 4;  // magic, version, crc32 of what follows, frame count

void PutUnits(std::string* out, __int128 units) {
  const auto u = static_cast<unsigned __int128>(units);
  PutVarint(out, static_cast<uint64_t>(u));
  PutVarint(out, static_cast<uint64_t>(u >> 64));
}

__int128 ReadUnits(Cursor* in) {
  const uint64_t lo = in->Varint();
  const uint64_t hi = in->Varint();
  return static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
}

void PutCopubs(std::string* out, const Copubs& c) {
  PutVarint(out, c.full);
  PutUnits(out, c.frac.units());
}

Copubs ReadCopubs(Cursor* in) {
  Copubs c;
  c.full = in->Varint();
  c.frac = FracSum::FromUnits(ReadUnits(in));
  return c;
}

void PutCountries(std::string* out, const std::map<CountryCode, Copubs>& m) {
  PutVarint(out, m.size());
  for (const auto& [c, cp] : m) {
    PutVarint(out, c);
    PutCopubs(out, cp);
  }
}

// Counts read from a damaged view are bounded by what the bytes left can hold.
bool Plausible(const Cursor& in, uint64_t n, const char* end) {
  return in.ok() && n <= static_cast<uint64_t>(end - in.position());
}

bool ReadCountries(Cursor* in, const char* end, std::map<CountryCode, Copubs>* m) {
  const uint64_t n = in->Varint();
  if (!Plausible(*in, n, end)) return false;
  for (uint64_t i = 0; i < n && in->ok(); ++i) {
    const uint64_t c = in->Varint();
    (*m)[static_cast<CountryCode>(c)] = ReadCopubs(in);
    if (c > UINT16_MAX) return false;
  }
  return in->ok();
}

void PutTally(std::string* out, const Tally& t) {
  PutVarint(out, t.p);
  PutUnits(out, t.p_frac.units());
  for (int i = 0; i < kIndicators; ++i) {
    PutVarint(out, t.flagged[i]);
    PutUnits(out, t.flagged_frac[i].units());
  }
  PutVarint(out, t.distance_known);
  for (uint64_t v : t.collab_types) PutVarint(out, v);
  for (uint64_t v : t.country_classes) PutVarint(out, v);
  PutCountries(out, t.countries);
  PutCountries(out, t.single_country);
  PutVarint(out, t.institutions.size());
  PartnerKey last = 0;
  for (const auto& [key, cp] : t.institutions) {  // sorted, distinct: deltas
    PutVarint(out, key - last);
    last = key;
    PutCopubs(out, cp);
  }
  PutVarint(out, t.country_mentions);
  PutVarint(out, t.foreign_country_mentions);
}

bool ReadTally(Cursor* in, const char* end, Tally* t) {
  t->p = in->Varint();
  t->p_frac = FracSum::FromUnits(ReadUnits(in));
  for (int i = 0; i < kIndicators; ++i) {
    t->flagged[i] = in->Varint();
    t->flagged_frac[i] = FracSum::FromUnits(ReadUnits(in));
  }
  t->distance_known = in->Varint();
  for (uint64_t& v : t->collab_types) v = in->Varint();
  for (uint64_t& v : t->country_classes) v = in->Varint();
  if (!ReadCountries(in, end, &t->countries) || !ReadCountries(in, end, &t->single_country)) return false;
  const uint64_t n = in->Varint();
  if (!Plausible(*in, n, end)) return false;
  t->institutions.reserve(n);
  PartnerKey key = 0;
  for (uint64_t i = 0; i < n && in->ok(); ++i) {
    const uint64_t delta = in->Varint();
    if (i > 0 && delta == 0) return false;  // keys are distinct and ascending
    key += delta;
    t->institutions.emplace_back(key, ReadCopubs(in));
  }
  t->country_mentions = in->Varint();
  t->foreign_country_mentions = in->Varint();
  return in->ok();
}

void PutMember(std::string* out, const ScopeMember& m) {
  PutVarint(out, m.openalex);
  PutVarint(out, m.ror);
  PutText(out, m.name);
  PutVarint(out, m.country);
  PutText(out, m.why);
  out->push_back(m.excluded ? 1 : 0);
}

ScopeMember ReadMember(Cursor* in) {
  ScopeMember m;
  m.openalex = in->Varint();
  m.ror = in->Varint();
  m.name = ReadText(in);
  m.country = static_cast<CountryCode>(in->Varint());
  m.why = ReadText(in);
  m.excluded = in->Fixed<uint8_t>() != 0;
  return m;
}

std::vector<uint64_t> IngestFields(const IngestReport& g) {
  return {g.read,  g.accepted, g.rejected, g.duplicates, g.merged_dropped, g.in_scope, g.files, g.bytes,
          g.manifest_parts_checked, g.manifest_mismatches, g.manifest_parts_absent, g.merged_ids_loaded};
}

}  // namespace

std::string EncodeView(const Collected& collected, const Scope& scope, const CountryPolicy& policy,
                       bool registry_loaded) {
  // Frame 0: what the report shows of S, the ingest figures, the years.
  std::vector<std::string> frames(1);
  std::string& head = frames[0];
  PutText(&head, scope.name());
  PutVarint(&head, scope.home());
  PutVarint(&head, scope.roots().size());
  for (const ScopeMember& m : scope.roots()) PutMember(&head, m);
  head.push_back(registry_loaded ? 1 : 0);
  for (uint64_t v : IngestFields(collected.ingest)) PutVarint(&head, v);
  PutVarint(&head, collected.inferred_home);
  PutVarint(&head, collected.years.size());
  for (const auto& [year, t] : collected.years) PutVarint(&head, static_cast<uint64_t>(year));
  // Frames 1 … Y: one year's tallies each.
  for (const auto& [year, t] : collected.years) PutTally(&frames.emplace_back(), t);
  // The last frame: every partner the report may name, described as it would
  // describe it; the roots' names.
  std::string& names = frames.emplace_back();
  std::vector<PartnerKey> partners;
  for (const auto& [year, t] : collected.years)
    for (const auto& [key, cp] : t.institutions) partners.push_back(key);
  std::sort(partners.begin(), partners.end());
  partners.erase(std::unique(partners.begin(), partners.end()), partners.end());
  PutVarint(&names, partners.size());
  PartnerKey last = 0;
  const Registry* registry = collected.registry;
  for (PartnerKey key : partners) {
    const PartnerInfo info = DescribePartner(collected, key, policy);
    PutVarint(&names, key - last);
    last = key;
    // Described exactly as the registry entry of its ROR: that entry's number + 1, else 0 and the description.
    if (const RegistryEntry* e = registry != nullptr ? EntryDescribing(*registry, policy, info) : nullptr) {
      PutVarint(&names, static_cast<uint64_t>(e - registry->entries().data()) + 1);
    } else {
      PutVarint(&names, 0);
      PutText(&names, info.name);
      PutVarint(&names, info.country);
      PutVarint(&names, info.ror);
    }
    names.push_back(info.from_registry ? 1 : 0);
  }
  std::vector<std::pair<OpenAlexId, std::string>> roots(collected.arena.root_names.begin(),
                                                        collected.arena.root_names.end());
  std::sort(roots.begin(), roots.end());
  PutVarint(&names, roots.size());
  for (const auto& [id, name] : roots) {
    PutVarint(&names, id);
    PutText(&names, name);
  }

  std::string out(kViewMagic, sizeof kViewMagic);
  PutFixed<uint32_t>(&out, kViewFormatVersion);
  const size_t crc_at = out.size();
  PutFixed<uint32_t>(&out, 0);
  PutFixed<uint32_t>(&out, static_cast<uint32_t>(frames.size()));
  const size_t table_at = out.size();
  out.resize(table_at + 8 * frames.size());
  for (size_t f = 0; f < frames.size(); ++f) {
    const size_t packed = PutZstdFrame(&out, frames[f], kViewZstdLevel);
    const uint32_t sizes[2] = {static_cast<uint32_t>(packed), static_cast<uint32_t>(frames[f].size())};
    std::memcpy(out.data() + table_at + 8 * f, sizes, sizeof sizes);
  }
  const uint32_t crc = Crc32(out.data() + table_at, out.size() - table_at);
  std::memcpy(out.data() + crc_at, &crc, sizeof crc);
  return out;
}

Status DecodeView(std::string_view blob, const std::string& where, uint64_t registry_rows, RegistryEntryReader registry,
                  const CountryPolicy& policy, ViewAnswer* out) {
  auto damaged = [&](const std::string& why) {
    return Status(ErrorCode::kCorrupt, fmt::format("store view {} is damaged: {}", where, why));
  };
  if (blob.size() < kHeaderBytes || std::memcmp(blob.data(), kViewMagic, sizeof kViewMagic) != 0)
    return damaged("not a view (bad magic or too short)");
  const auto version = LoadFixed<uint32_t>(blob.data() + 8);
  if (version != kViewFormatVersion)  // not damage: another coopscope's view, answered from the works instead
    return Status(ErrorCode::kNotFound, fmt::format("store view {} has format version {} (this coopscope reads {})",
                                                    where, version, kViewFormatVersion));
  const auto crc = LoadFixed<uint32_t>(blob.data() + 12);
  const auto n_frames = LoadFixed<uint32_t>(blob.data() + 16);
  if (Crc32(blob.data() + kHeaderBytes, blob.size() - kHeaderBytes) != crc) return damaged("crc32 mismatch");
  if (n_frames < 2 || n_frames > 4096 + 2 || blob.size() - kHeaderBytes < 8 * uint64_t{n_frames})
    return damaged("its frame table");
  // Each frame: where it starts, its packed and raw sizes.
  struct Frame {
    const char* packed;
    uint32_t packed_bytes, raw_bytes;
  };
  std::vector<Frame> frames(n_frames);
  const char* p = blob.data() + kHeaderBytes + 8 * uint64_t{n_frames};
  const char* const blob_end = blob.data() + blob.size();
  for (uint32_t f = 0; f < n_frames; ++f) {
    frames[f].packed = p;
    frames[f].packed_bytes = LoadFixed<uint32_t>(blob.data() + kHeaderBytes + 8 * f);
    frames[f].raw_bytes = LoadFixed<uint32_t>(blob.data() + kHeaderBytes + 8 * f + 4);
    if (frames[f].packed_bytes > static_cast<uint64_t>(blob_end - p)) return damaged("its frame table");
    p += frames[f].packed_bytes;
  }
  if (p != blob_end) return damaged("its frame table");
  auto unpack = [&](uint32_t f, std::unique_ptr<char[]>* raw) -> bool {
    const Frame& fr = frames[f];
    if (ZSTD_getFrameContentSize(fr.packed, fr.packed_bytes) != fr.raw_bytes) return false;  // before allocating
    raw->reset(new char[fr.raw_bytes + 1]);  // not zero-filled: decompressed over
    return ReadZstdFrame(std::string_view(fr.packed, fr.packed_bytes), fr.raw_bytes, raw->get());
  };

  // Frame 0.
  std::unique_ptr<char[]> head_raw;
  if (!unpack(0, &head_raw)) return damaged("its first frame does not decompress");
  const char* head_end = head_raw.get() + frames[0].raw_bytes;
  Cursor in(head_raw.get(), head_end);
  std::string name = ReadText(&in);
  const auto home = static_cast<CountryCode>(in.Varint());
  const uint64_t n_roots = in.Varint();
  if (!Plausible(in, n_roots, head_end)) return damaged("roots");
  std::vector<ScopeMember> roots;
  for (uint64_t i = 0; i < n_roots && in.ok(); ++i) roots.push_back(ReadMember(&in));
  out->scope = Scope::Described(std::move(name), home, std::move(roots));
  out->registry_loaded = in.Fixed<uint8_t>() != 0;
  Collected& c = out->collected;
  c.tallied = true;
  c.registry = nullptr;
  IngestReport& g = c.ingest;
  for (uint64_t* f : {&g.read, &g.accepted, &g.rejected, &g.duplicates, &g.merged_dropped, &g.in_scope, &g.files,
                      &g.bytes, &g.manifest_parts_checked, &g.manifest_mismatches, &g.manifest_parts_absent,
                      &g.merged_ids_loaded})
    *f = in.Varint();
  c.inferred_home = static_cast<CountryCode>(in.Varint());
  const uint64_t n_years = in.Varint();
  if (!in.ok() || n_years + 2 != n_frames) return damaged("its years and frames disagree");
  std::vector<int> years(n_years);
  for (uint64_t i = 0; i < n_years; ++i) {
    const uint64_t year = in.Varint();
    if (year > 4095 || (i > 0 && static_cast<int>(year) <= years[i - 1])) return damaged("a year out of range");
    years[i] = static_cast<int>(year);
  }
  if (!in.ok() || !in.at_end()) return damaged("its first frame does not decode");

  // The years' frames and the names' frame, on two threads.
  std::vector<Tally> tallies(n_years);
  auto partners = std::make_unique<ViewPartners>();
  std::vector<std::pair<OpenAlexId, std::string>> root_names;
  std::vector<Status> errors(n_frames);
  std::atomic<uint32_t> next{1};
  RunThreads(ThreadsFor(2, n_frames - 1), [&](unsigned) {
    for (uint32_t f; (f = next.fetch_add(1)) < n_frames;) {
      std::unique_ptr<char[]> raw;
      if (!unpack(f, &raw)) {
        errors[f] = damaged(fmt::format("frame {} does not decompress", f));
        continue;
      }
      const char* end = raw.get() + frames[f].raw_bytes;
      Cursor fin(raw.get(), end);
      if (f < n_frames - 1) {
        if (!ReadTally(&fin, end, &tallies[f - 1]) || !fin.at_end())
          errors[f] = damaged(fmt::format("the tallies of {}", years[f - 1]));
        continue;
      }
      const uint64_t n_partners = fin.Varint();
      if (!Plausible(fin, n_partners, end)) {
        errors[f] = damaged("partners");
        continue;
      }
      partners->at_.reserve(n_partners);
      PartnerKey key = 0;
      for (uint64_t i = 0; i < n_partners && fin.ok(); ++i) {
        const uint64_t delta = fin.Varint();
        if (i > 0 && delta == 0) {
          errors[f] = damaged("partners out of order");
          break;
        }
        key += delta;
        partners->at_.emplace_back(key, static_cast<uint32_t>(fin.position() - raw.get()));
        const uint64_t entry = fin.Varint();  // a registry entry's number + 1, or 0 and the description
        if (entry > registry_rows) {
          errors[f] = damaged(fmt::format("partner {} names registry entry {} of {}", i, entry - 1, registry_rows));
          break;
        }
        if (entry == 0) {
          fin.Bytes(fin.Varint());  // name
          fin.Varint();             // country
          fin.Varint();             // ror
        }
        fin.Fixed<uint8_t>();  // from the registry
      }
      const uint64_t n_names = fin.Varint();
      if (!errors[f].ok() || !Plausible(fin, n_names, end)) {
        if (errors[f].ok()) errors[f] = damaged("root names");
        continue;
      }
      for (uint64_t i = 0; i < n_names && fin.ok(); ++i) {
        const OpenAlexId id = fin.Varint();
        root_names.emplace_back(id, ReadText(&fin));
      }
      if (!fin.ok() || !fin.at_end()) errors[f] = damaged("its names do not decode");
      partners->raw_ = std::move(raw);
      partners->raw_bytes_ = frames[f].raw_bytes;
    }
  });
  for (const Status& st : errors)
    if (!st.ok()) return st;
  for (uint64_t i = 0; i < n_years; ++i) c.years.emplace_hint(c.years.end(), years[i], std::move(tallies[i]));
  for (auto& [id, name] : root_names) c.arena.root_names[id] = std::move(name);
  partners->registry_ = std::move(registry);
  partners->policy_ = policy;
  out->partners = std::move(partners);
  c.directory = out->partners.get();
  return Status::Ok();
}

bool ViewPartners::Find(PartnerKey key, PartnerInfo* out) const {
  auto it = std::lower_bound(at_.begin(), at_.end(), std::make_pair(key, uint32_t{0}));
  if (it == at_.end() || it->first != key) return false;
  // Checked whole when decoded.
  Cursor in(raw_.get() + it->second, raw_.get() + raw_bytes_);
  const uint64_t entry = in.Varint();
  if (entry != 0) {
    RegistryEntry e;
    if (!registry_ || !registry_(static_cast<uint32_t>(entry - 1), &e)) return false;
    *out = PartnerInfo{e.name, policy_.Map(e.country), e.ror, false};
  } else {
    out->name = ReadText(&in);
    out->country = static_cast<CountryCode>(in.Varint());
    out->ror = in.Varint();
  }
  out->from_registry = in.Fixed<uint8_t>() != 0;
  return in.ok();
}

}  // namespace coopscope::store
