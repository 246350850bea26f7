#include "store/tallies.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <memory>

#include "store/encoding.h"
#include "store/segment.h"

namespace coopscope::store {
namespace {

// Written at every settle and read whole.  Level 19 makes them 4 % smaller
// (23.5 KB at 300,000 works) and costs 0.15 s more of each settle there.
constexpr int kTallyZstdLevel = 9;
constexpr size_t kHeaderBytes = 8 + 4 + 4 + 4;  // magic, version, crc32 of what follows, raw bytes
constexpr uint64_t kMaxRawBytes = uint64_t{1} << 30;
constexpr double kMicro = 1e6;  // p_frac's unit in the blob: the 6 decimals `rank` orders by and prints

std::string Wrap(const std::string& raw) {
  std::string out(kTallyMagic, sizeof kTallyMagic);
  PutFixed<uint32_t>(&out, kTallyFormatVersion);
  PutFixed<uint32_t>(&out, 0);
  PutFixed<uint32_t>(&out, static_cast<uint32_t>(raw.size()));
  PutZstdFrame(&out, raw, kTallyZstdLevel);
  const uint32_t crc = Crc32(out.data() + 16, out.size() - 16);
  std::memcpy(out.data() + 12, &crc, sizeof crc);
  return out;
}

Status Damaged(const std::string& where, const std::string& why) {
  return Status(ErrorCode::kCorrupt,
                fmt::format("store tallies {} are damaged: {}; `coopscope store update` on the store writes them again",
                            where, why));
}

// A blob's payload, checked and decompressed, and a cursor over it.
struct Payload {
  std::unique_ptr<char[]> raw;
  const char* end = nullptr;
  Cursor in{nullptr, nullptr};
};

Status Unwrap(std::string_view blob, const std::string& where, Payload* out) {
  if (blob.size() < kHeaderBytes || std::memcmp(blob.data(), kTallyMagic, sizeof kTallyMagic) != 0)
    return Damaged(where, "not a tally blob (bad magic or too short)");
  const auto version = LoadFixed<uint32_t>(blob.data() + 8);
  if (version != kTallyFormatVersion)
    return Status(ErrorCode::kCorrupt,
                  fmt::format("store tallies {} have format version {} (this coopscope reads {}); `coopscope store "
                              "update` on the store writes them again",
                              where, version, kTallyFormatVersion));
  if (Crc32(blob.data() + 16, blob.size() - 16) != LoadFixed<uint32_t>(blob.data() + 12))
    return Damaged(where, "crc32 mismatch");
  const auto bytes = LoadFixed<uint32_t>(blob.data() + 16);
  if (bytes > kMaxRawBytes) return Damaged(where, "its declared size");
  out->raw.reset(new char[bytes + 1]);
  if (!ReadZstdFrame(blob.substr(kHeaderBytes), bytes, out->raw.get()))
    return Damaged(where, "its frame does not decompress");
  out->end = out->raw.get() + bytes;
  out->in = Cursor(out->raw.get(), out->end);
  return Status::Ok();
}

// Counts read from a damaged blob are bounded by the bytes left (each item
// takes at least one).
bool Plausible(const Cursor& in, uint64_t n, const char* end) {
  return in.ok() && n <= static_cast<uint64_t>(end - in.position());
}

// Whether v, read back as m / 1e6, gives what `rank` computes and prints of v.
bool SameAsPrinted(double v, uint64_t m) {
  const double back = static_cast<double>(m) / kMicro;
  return std::llround(back * kMicro) == std::llround(v * kMicro) &&
         fmt::format("{:.6f}", back) == fmt::format("{:.6f}", v) && fmt::format("{:.2f}", back) == fmt::format("{:.2f}", v);
}

}  // namespace

std::string EncodeTallyOrgs(uint32_t registry_crc, const std::vector<TallyOrg>& orgs) {
  std::string raw;
  PutVarint(&raw, registry_crc);
  PutVarint(&raw, orgs.size());
  PartnerKey last = 0;
  for (const TallyOrg& o : orgs) {
    PutVarint(&raw, o.key - last);
    last = o.key;
    raw.push_back(static_cast<char>(o.naming));
    if (o.naming == TallyNaming::kWorks) {
      PutText(&raw, o.name);
      PutVarint(&raw, o.country);
      PutVarint(&raw, o.ror);
    }
    if (o.naming == TallyNaming::kWorksEntry) PutVarint(&raw, o.entry);
  }
  return Wrap(raw);
}

Status DecodeTallyOrgs(std::string_view blob, const std::string& where, uint32_t* registry_crc,
                       std::vector<TallyOrg>* out) {
  Payload payload;
  if (Status st = Unwrap(blob, where, &payload); !st.ok()) return st;
  Cursor& in = payload.in;
  const char* const end = payload.end;
  const uint64_t crc = in.Varint();
  const uint64_t n = in.Varint();
  if (!Plausible(in, n, end) || crc > UINT32_MAX) return Damaged(where, "its organisation count");
  *registry_crc = static_cast<uint32_t>(crc);
  out->clear();
  out->reserve(n);
  PartnerKey key = 0;
  for (uint64_t i = 0; i < n; ++i) {
    TallyOrg o;
    const uint64_t delta = in.Varint();
    if (i > 0 && delta == 0) return Damaged(where, fmt::format("organisation {} is out of order", i));
    o.key = key += delta;
    const auto naming = in.Fixed<uint8_t>();  // 0 when cut short: caught below
    if (naming > static_cast<uint8_t>(TallyNaming::kWorksEntry)) return Damaged(where, fmt::format("organisation {}", i));
    o.naming = static_cast<TallyNaming>(naming);
    if (o.naming == TallyNaming::kWorks) {
      o.name = ReadText(&in);
      const uint64_t country = in.Varint();
      if (country > UINT16_MAX) return Damaged(where, fmt::format("organisation {}", i));
      o.country = static_cast<CountryCode>(country);
      o.ror = in.Varint();
    }
    if (o.naming == TallyNaming::kWorksEntry) {
      const uint64_t entry = in.Varint();
      if (entry > UINT32_MAX) return Damaged(where, fmt::format("organisation {}", i));
      o.entry = static_cast<uint32_t>(entry);
    }
    if (!in.ok()) return Damaged(where, fmt::format("organisation {} is cut short", i));
    out->push_back(std::move(o));
  }
  if (!in.at_end()) return Damaged(where, "bytes after its last organisation");
  return Status::Ok();
}

std::string EncodeRankYear(const std::vector<TallyRank>& rows) {
  std::string raw;
  PutVarint(&raw, rows.size());
  uint32_t next = 0;  // the smallest index the row may have
  for (const TallyRank& r : rows) {
    PutVarint(&raw, r.org - next);
    next = r.org + 1;
    PutVarint(&raw, r.p);
    PutVarint(&raw, r.p_int_collab);
    const double scaled = std::round(r.p_frac * kMicro);
    const bool micro = r.p_frac >= 0 && scaled < 0x1p62 && SameAsPrinted(r.p_frac, static_cast<uint64_t>(scaled));
    if (micro) {
      PutVarint(&raw, static_cast<uint64_t>(scaled) << 1);
    } else {  // kept whole
      PutVarint(&raw, 1);
      PutFixed<double>(&raw, r.p_frac);
    }
  }
  return Wrap(raw);
}

Status DecodeRankYear(std::string_view blob, const std::string& where, size_t orgs, std::vector<TallyRank>* out) {
  Payload payload;
  if (Status st = Unwrap(blob, where, &payload); !st.ok()) return st;
  Cursor& in = payload.in;
  const char* const end = payload.end;
  const uint64_t n = in.Varint();
  if (!Plausible(in, n, end)) return Damaged(where, "its row count");
  out->clear();
  out->reserve(n);
  uint64_t next = 0;
  for (uint64_t i = 0; i < n; ++i) {
    TallyRank r;
    const uint64_t org = next + in.Varint();
    if (org >= orgs) return Damaged(where, fmt::format("row {} names organisation {} of {}", i, org, orgs));
    r.org = static_cast<uint32_t>(org);
    next = org + 1;
    r.p = in.Varint();
    r.p_int_collab = in.Varint();
    const uint64_t frac = in.Varint();
    r.p_frac = frac == 1 ? in.Fixed<double>() : static_cast<double>(frac >> 1) / kMicro;
    if (!in.ok() || (frac & 1 && frac != 1) || r.p_int_collab > r.p)
      return Damaged(where, fmt::format("row {} of {}", i, n));
    out->push_back(r);
  }
  if (!in.at_end()) return Damaged(where, "bytes after its last row");
  return Status::Ok();
}

std::string EncodePairsYear(const std::vector<TallyPair>& rows) {
  std::string raw;
  PutVarint(&raw, rows.size());
  CountryCode a = 0, b = 0;
  for (const TallyPair& r : rows) {
    PutVarint(&raw, r.a - a);
    PutVarint(&raw, r.a != a ? r.b - r.a : r.b - b);  // b from a for a new a, else from the previous b
    PutVarint(&raw, r.copubs);
    a = r.a;
    b = r.b;
  }
  return Wrap(raw);
}

Status DecodePairsYear(std::string_view blob, const std::string& where, std::vector<TallyPair>* out) {
  Payload payload;
  if (Status st = Unwrap(blob, where, &payload); !st.ok()) return st;
  Cursor& in = payload.in;
  const char* const end = payload.end;
  const uint64_t n = in.Varint();
  if (!Plausible(in, n, end)) return Damaged(where, "its pair count");
  out->clear();
  out->reserve(n);
  uint64_t a = 0, b = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t da = in.Varint();
    const uint64_t db = in.Varint();
    const uint64_t copubs = in.Varint();
    const uint64_t na = a + da;
    const uint64_t nb = (da != 0 ? na : b) + db;
    if (!in.ok() || na > UINT16_MAX || nb > UINT16_MAX || (i > 0 && da == 0 && db == 0))
      return Damaged(where, fmt::format("pair {} of {}", i, n));
    a = na;
    b = nb;
    out->push_back(TallyPair{static_cast<CountryCode>(a), static_cast<CountryCode>(b), copubs});
  }
  if (!in.at_end()) return Damaged(where, "bytes after its last pair");
  return Status::Ok();
}

}  // namespace coopscope::store
