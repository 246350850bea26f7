#include "store/views.h"

#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "indicators/report.h"
#include "store/encoding.h"
#include "store/segment.h"

namespace coopscope::store {
namespace {

constexpr int kViewZstdLevel = 3;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 8;  // magic, version, crc32 of the payload, raw bytes

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

void PutText(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

std::string ReadText(Cursor* in) { return std::string(in->Bytes(in->Varint())); }

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
  std::string raw;
  // What the report shows of S.
  PutText(&raw, scope.name());
  PutVarint(&raw, scope.home());
  PutVarint(&raw, scope.roots().size());
  for (const ScopeMember& m : scope.roots()) PutMember(&raw, m);
  raw.push_back(registry_loaded ? 1 : 0);
  // The answer.
  for (uint64_t v : IngestFields(collected.ingest)) PutVarint(&raw, v);
  PutVarint(&raw, collected.inferred_home);
  PutVarint(&raw, collected.years.size());
  for (const auto& [year, t] : collected.years) {
    PutVarint(&raw, static_cast<uint64_t>(year));
    PutTally(&raw, t);
  }
  // Every partner the report may name, described as it would describe it.
  std::vector<PartnerKey> partners;
  for (const auto& [year, t] : collected.years)
    for (const auto& [key, cp] : t.institutions) partners.push_back(key);
  std::sort(partners.begin(), partners.end());
  partners.erase(std::unique(partners.begin(), partners.end()), partners.end());
  PutVarint(&raw, partners.size());
  PartnerKey last = 0;
  for (PartnerKey key : partners) {
    const PartnerInfo info = DescribePartner(collected, key, policy);
    PutVarint(&raw, key - last);
    last = key;
    PutText(&raw, info.name);
    PutVarint(&raw, info.country);
    PutVarint(&raw, info.ror);
    raw.push_back(info.from_registry ? 1 : 0);
  }
  std::vector<std::pair<OpenAlexId, std::string>> roots(collected.arena.root_names.begin(),
                                                        collected.arena.root_names.end());
  std::sort(roots.begin(), roots.end());
  PutVarint(&raw, roots.size());
  for (const auto& [id, name] : roots) {
    PutVarint(&raw, id);
    PutText(&raw, name);
  }

  std::string out(kViewMagic, sizeof kViewMagic);
  PutFixed<uint32_t>(&out, kViewFormatVersion);
  const size_t crc_at = out.size();
  PutFixed<uint32_t>(&out, 0);
  PutFixed<uint64_t>(&out, raw.size());
  const size_t payload_at = out.size();
  out.resize(payload_at + ZSTD_compressBound(raw.size()));
  const size_t packed = ZSTD_compress(out.data() + payload_at, out.size() - payload_at, raw.data(), raw.size(),
                                      kViewZstdLevel);
  out.resize(payload_at + packed);  // ZSTD_compress cannot fail with a bound-sized buffer
  const uint32_t crc = Crc32(out.data() + payload_at, packed);
  std::memcpy(out.data() + crc_at, &crc, sizeof crc);
  return out;
}

Status DecodeView(std::string_view blob, const std::string& where, ViewAnswer* out) {
  auto damaged = [&](const std::string& why) {
    return Status(ErrorCode::kCorrupt, fmt::format("store view {} is damaged: {}", where, why));
  };
  if (blob.size() < kHeaderBytes || std::memcmp(blob.data(), kViewMagic, sizeof kViewMagic) != 0)
    return damaged("not a view (bad magic or too short)");
  const auto version = LoadFixed<uint32_t>(blob.data() + 8);
  if (version != kViewFormatVersion)
    return damaged(fmt::format("format version {} (this coopscope reads {})", version, kViewFormatVersion));
  const auto crc = LoadFixed<uint32_t>(blob.data() + 12);
  const auto raw_bytes = LoadFixed<uint64_t>(blob.data() + 16);
  const std::string_view packed = blob.substr(kHeaderBytes);
  if (Crc32(packed.data(), packed.size()) != crc) return damaged("crc32 mismatch");
  const unsigned long long expected = ZSTD_getFrameContentSize(packed.data(), packed.size());
  if (expected != raw_bytes || raw_bytes > (uint64_t{1} << 34)) return damaged("its size does not match");
  std::string raw(raw_bytes, '\0');
  const size_t got = ZSTD_decompress(raw.data(), raw.size(), packed.data(), packed.size());
  if (ZSTD_isError(got) || got != raw_bytes) return damaged("it does not decompress");

  const char* end = raw.data() + raw.size();
  Cursor in(raw.data(), end);
  std::string name = ReadText(&in);
  const auto home = static_cast<CountryCode>(in.Varint());
  const uint64_t n_roots = in.Varint();
  if (!Plausible(in, n_roots, end)) return damaged("roots");
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
  if (!Plausible(in, n_years, end)) return damaged("years");
  for (uint64_t i = 0; i < n_years && in.ok(); ++i) {
    const uint64_t year = in.Varint();
    if (year > 4095 || c.years.count(static_cast<int>(year)) != 0) return damaged("a year out of range");
    if (!ReadTally(&in, end, &c.years[static_cast<int>(year)])) return damaged("a year's tallies");
  }
  const uint64_t n_partners = in.Varint();
  if (!Plausible(in, n_partners, end)) return damaged("partners");
  auto partners = std::make_unique<ViewPartners>();
  partners->at_.reserve(n_partners);
  PartnerKey key = 0;
  for (uint64_t i = 0; i < n_partners && in.ok(); ++i) {
    const uint64_t delta = in.Varint();
    if (i > 0 && delta == 0) return damaged("partners out of order");
    key += delta;
    partners->at_.emplace_back(key, static_cast<uint32_t>(in.position() - raw.data()));
    in.Bytes(in.Varint());  // name
    in.Varint();            // country
    in.Varint();            // ror
    in.Fixed<uint8_t>();    // from the registry
  }
  const uint64_t n_names = in.Varint();
  if (!Plausible(in, n_names, end)) return damaged("root names");
  for (uint64_t i = 0; i < n_names && in.ok(); ++i) {
    const OpenAlexId id = in.Varint();
    c.arena.root_names[id] = ReadText(&in);
  }
  if (!in.ok() || !in.at_end()) return damaged("its payload does not decode");
  partners->raw_ = std::move(raw);
  out->partners = std::move(partners);
  c.directory = out->partners.get();
  return Status::Ok();
}

bool ViewPartners::Find(PartnerKey key, PartnerInfo* out) const {
  auto it = std::lower_bound(at_.begin(), at_.end(), std::make_pair(key, uint32_t{0}));
  if (it == at_.end() || it->first != key) return false;
  // Checked whole when decoded.
  Cursor in(raw_.data() + it->second, raw_.data() + raw_.size());
  out->name = ReadText(&in);
  out->country = static_cast<CountryCode>(in.Varint());
  out->ror = in.Varint();
  out->from_registry = in.Fixed<uint8_t>() != 0;
  return in.ok();
}

}  // namespace coopscope::store
