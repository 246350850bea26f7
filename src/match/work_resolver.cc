#include "match/work_resolver.h"

#include <algorithm>

#include "io/byte_stream.h"
#include "registry/registry.h"

namespace coopscope {

const WorkResolver::Resolved& WorkResolver::ResolveAddress(const RawWork& raw, const RawAddress& a) {
  std::string_view text = raw.AddressText(a);
  key_.clear();
  key_.push_back(a.structured ? 's' : 't');
  key_.push_back(a.cnrs ? 'c' : '-');
  key_ += CountryName(a.country);
  key_.push_back('|');
  key_.append(text);
  auto it = cache_.find(key_);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= kResolverCacheEntries) cache_.clear();
  Resolved r;
  if (a.cnrs) {
    r.country = a.country;
    RorId cnrs = ParseRorId(kCnrsRor);
    r.extra_ror = cnrs;
  } else {
    AffiliationMatch m = matcher_.Match(text);
    r.country = a.country != kNoCountry ? a.country : m.country;
    for (const OrgCandidate& c : m.candidates) {
      if (c.entry == nullptr || c.heads_longer) continue;
      if (a.country != kNoCountry && c.entry->country != kNoCountry && c.entry->country != a.country) continue;
      if (std::find(r.orgs.begin(), r.orgs.end(), c.entry) == r.orgs.end()) r.orgs.push_back(c.entry);
    }
  }
  return cache_.emplace(key_, std::move(r)).first->second;
}

void WorkResolver::Resolve(const RawWork& raw, Work* work) {
  work->clear();
  work->id = RawWorkId(raw);
  work->year = raw.year;
  // Prototype institution references of each address.
  const size_t n_addr = raw.addresses.size();
  protos_.clear();
  refs_begin_.assign(n_addr, 0);
  refs_end_.assign(n_addr, 0);
  address_country_.assign(n_addr, kNoCountry);
  for (size_t i = 0; i < n_addr; ++i) {
    const Resolved& r = ResolveAddress(raw, raw.addresses[i]);
    address_country_[i] = r.country;
    refs_begin_[i] = static_cast<uint32_t>(protos_.size());
    auto add = [&](OpenAlexId id, RorId ror, CountryCode country, InstitutionType type, std::string_view name) {
      InstitutionRef ref;
      ref.id = id;
      ref.ror = ror;
      ref.country = country;
      ref.type = type;
      ref.name_begin = static_cast<uint32_t>(work->text.size());
      work->text.append(name);
      ref.name_end = static_cast<uint32_t>(work->text.size());
      protos_.push_back(ref);
    };
    for (const RegistryEntry* e : r.orgs)
      add(e->openalex, e->ror, e->country != kNoCountry ? e->country : r.country, e->type, e->name);
    if (r.extra_ror != 0 &&
        std::none_of(r.orgs.begin(), r.orgs.end(), [&](const RegistryEntry* e) { return e->ror == r.extra_ror; }))
      add(0, r.extra_ror, r.country, InstitutionType::kUnknown, raw.AddressText(raw.addresses[i]));
    refs_end_[i] = static_cast<uint32_t>(protos_.size());
  }
  // Authorships: the addresses linked to each author, or every address when
  // the source does not say (and one authorship when it lists no author).
  uint32_t authors = std::max<uint32_t>(raw.authors, n_addr > 0 ? 1 : 0);
  for (const auto& [author, addr] : raw.links) authors = std::max(authors, author + 1);
  auto add_address = [&](size_t i) {
    work->institutions.insert(work->institutions.end(), protos_.begin() + refs_begin_[i],
                              protos_.begin() + refs_end_[i]);
    if (address_country_[i] != kNoCountry) work->countries.push_back(address_country_[i]);
  };
  links_.assign(raw.links.begin(), raw.links.end());
  std::sort(links_.begin(), links_.end());
  size_t next_link = 0;
  for (uint32_t a = 0; a < authors; ++a) {
    Authorship au;
    au.inst_begin = static_cast<uint32_t>(work->institutions.size());
    au.country_begin = static_cast<uint32_t>(work->countries.size());
    if (raw.links.empty()) {
      for (size_t i = 0; i < n_addr; ++i) add_address(i);
    } else {
      for (; next_link < links_.size() && links_[next_link].first == a; ++next_link)
        if (links_[next_link].second < n_addr) add_address(links_[next_link].second);
    }
    au.inst_end = static_cast<uint32_t>(work->institutions.size());
    au.country_end = static_cast<uint32_t>(work->countries.size());
    work->authorships.push_back(au);
  }
  // Addresses linked to nobody (a WoS address whose bracketed names are not
  // in the author list) still count for K(w), through a last authorship-free
  // country list: they are added to the first authorship's countries.
  if (!raw.links.empty() && !work->authorships.empty()) {
    std::vector<uint8_t> used(n_addr, 0);
    for (const auto& [author, addr] : raw.links)
      if (addr < n_addr) used[addr] = 1;
    for (size_t i = 0; i < n_addr; ++i)
      if (!used[i] && address_country_[i] != kNoCountry) {
        // Appended after the last authorship's range: widen it.
        work->countries.push_back(address_country_[i]);
        work->authorships.back().country_end = static_cast<uint32_t>(work->countries.size());
      }
  }
}

Status ReadExportWorks(const std::string& path, InputFormat format, const Limits& limits, WorkResolver* resolver,
                       Work* work, const ResolvedWorkFn& on_work, std::vector<Reject>* rejects, ReadCounts* counts,
                       std::atomic<uint64_t>* progress_bytes, std::atomic<uint64_t>* progress_records) {
  RawRecordFn fn = [&](const RawWork& raw, const RecordPos& pos) -> Status {
    resolver->Resolve(raw, work);
    on_work(*work, pos);
    if (progress_records) progress_records->fetch_add(1, std::memory_order_relaxed);
    return Status::Ok();
  };
  Status st = ReadExportFile(path, format, limits, fn, rejects, counts);
  if (progress_bytes)
    if (auto size = FileSize(path); size.ok()) progress_bytes->fetch_add(size.value(), std::memory_order_relaxed);
  return st;
}

}  // namespace coopscope
