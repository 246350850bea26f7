#include "store/segment.h"

#include <isa-l/crc.h>
#include <roaring/roaring.h>
#include <sys/mman.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <string_view>

#include <fmt/format.h>

#include "io/byte_stream.h"
#include "store/encoding.h"

namespace coopscope::store {
namespace {

constexpr uint64_t kHeaderBytes = 64;
constexpr uint64_t kSectionEntryBytes = 24;
constexpr uint64_t kTableBytes = kHeaderBytes + kSectionEntryBytes * kSections;
constexpr uint64_t kAlign = 8;
constexpr uint64_t kOffsetBytes = 4;  // u32 offsets: a section holds at most 4 GiB
constexpr uint32_t kHeaderCrcOffset = 44;
constexpr int kDictZstdLevel = 3;      // the dictionary is small: a stronger level costs little time
constexpr uint8_t kPostingsList = 0;   // posting list as varint row deltas (short lists)
constexpr uint8_t kPostingsRoaring = 1;  // as a CRoaring portable bitmap

uint64_t RowBlocks(uint64_t works) { return (works + kRowBlock - 1) / kRowBlock; }

// A posting list in the smaller of its two encodings.
void EncodePostings(const std::vector<uint32_t>& rows, std::string* out, std::string* scratch) {
  out->clear();
  out->push_back(static_cast<char>(kPostingsList));
  PutVarint(out, rows.size());
  uint32_t prev = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    PutVarint(out, i == 0 ? rows[i] : rows[i] - prev);
    prev = rows[i];
  }
  roaring_bitmap_t* bm = roaring_bitmap_of_ptr(rows.size(), rows.data());
  roaring_bitmap_run_optimize(bm);
  size_t size = roaring_bitmap_portable_size_in_bytes(bm);
  if (size + 1 < out->size()) {
    scratch->resize(size);
    roaring_bitmap_portable_serialize(bm, scratch->data());
    out->assign(1, static_cast<char>(kPostingsRoaring));
    out->append(*scratch);
  }
  roaring_bitmap_free(bm);
}

// One dictionary entry (docs/store-format.md); the reader's only parser.
bool ParseDictEntry(Cursor& c, DictRef* out, uint64_t* posting_bytes) {
  InstitutionRef& r = out->ref;
  r = InstitutionRef{};
  r.id = c.Varint();
  r.ror = c.Varint();
  r.country = c.Fixed<uint16_t>();
  uint8_t type = c.Fixed<uint8_t>();
  r.type = type <= static_cast<uint8_t>(InstitutionType::kOther) ? static_cast<InstitutionType>(type)
                                                                  : InstitutionType::kUnknown;
  r.has_lineage = c.Fixed<uint8_t>() != 0;
  uint64_t n = c.Varint();
  out->lineage.clear();
  for (uint64_t i = 0; i < n && c.ok(); ++i) out->lineage.push_back(c.Varint());
  uint64_t name_len = c.Varint();
  out->name = c.Bytes(name_len);
  *posting_bytes = c.Varint();
  r.lineage_begin = 0;
  r.lineage_end = static_cast<uint32_t>(out->lineage.size());
  r.name_begin = 0;
  r.name_end = static_cast<uint32_t>(out->name.size());
  return c.ok();
}

void Pad(std::string* out) {
  while (out->size() % kAlign) out->push_back('\0');
}


}  // namespace

uint32_t Crc32(const char* data, size_t size, uint32_t seed) {
  return crc32_gzip_refl(seed, reinterpret_cast<const unsigned char*>(data), size);
}

SegmentWriter::SegmentWriter() = default;
SegmentWriter::~SegmentWriter() = default;

void AppendEntryKey(std::string* out, const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                    std::string_view name) {
  PutVarint(out, ref.id);
  PutVarint(out, ref.ror);
  PutFixed<uint16_t>(out, ref.country);
  out->push_back(static_cast<char>(ref.type));
  out->push_back(static_cast<char>(ref.has_lineage ? 1 : 0));
  PutVarint(out, lineage_size);
  for (size_t i = 0; i < lineage_size; ++i) PutVarint(out, lineage[i]);
  PutVarint(out, name.size());
  out->append(name);
}

bool ParseEntry(const char* begin, const char* end, DictRef* out) {
  Cursor c(begin, end);
  uint64_t posting_bytes = 0;
  return ParseDictEntry(c, out, &posting_bytes) && c.at_end();
}

uint32_t SegmentWriter::Intern(const Work& w, const InstitutionRef& ref) {
  key_.clear();
  // The stored form (without its posting length) doubles as the key.
  AppendEntryKey(&key_, ref, w.lineage.data() + ref.lineage_begin, ref.lineage_end - ref.lineage_begin,
                 w.InstitutionName(ref));
  const auto next = static_cast<uint32_t>(dict_offsets_.size());
  bool added = false;
  const uint32_t entry = dict_index_.FindOrAdd(
      key_, next,
      [&](uint32_t e) {
        const uint64_t end = e + 1 < dict_offsets_.size() ? dict_offsets_[e + 1] : dict_.size();
        return std::string_view(dict_).substr(dict_offsets_[e], end - dict_offsets_[e]);
      },
      &added);
  if (added) {
    dict_offsets_.push_back(dict_.size());
    dict_.append(key_);
  }
  return entry;
}

void SegmentWriter::Add(const Work& w, uint64_t seq) {
  auto [type, fresh] = type_index_.try_emplace(w.type, static_cast<uint32_t>(types_.size()));
  if (fresh) types_.push_back(w.type);
  Entry e{w.id,
          w.updated_micros,
          seq,
          std::max(w.year, 0),
          type->second,
          w.field,
          w.citations,
          blobs_.size(),
          0,
          static_cast<uint32_t>(locals_.size()),
          0,
          static_cast<uint32_t>(w.authorships.size())};
  // Distinct dictionary entries of the work (the local table), then the
  // authorships as indices into it.
  local_scratch_.clear();
  for (const InstitutionRef& ref : w.institutions) local_scratch_.push_back(Intern(w, ref));
  const size_t first_local = locals_.size();
  for (uint32_t d : local_scratch_)
    if (std::find(locals_.begin() + first_local, locals_.end(), d) == locals_.end()) locals_.push_back(d);
  e.local_end = static_cast<uint32_t>(locals_.size());
  PutVarint(&blobs_, e.local_end - e.local_begin);
  for (uint32_t i = e.local_begin; i < e.local_end; ++i) PutVarint(&blobs_, locals_[i]);
  PutVarint(&blobs_, w.authorships.size());
  for (const Authorship& a : w.authorships) {
    PutVarint(&blobs_, a.inst_end - a.inst_begin);
    for (uint32_t i = a.inst_begin; i < a.inst_end; ++i) {
      uint32_t d = local_scratch_[i];
      uint32_t local = static_cast<uint32_t>(
          std::find(locals_.begin() + e.local_begin, locals_.end(), d) - (locals_.begin() + e.local_begin));
      PutVarint(&blobs_, local);
    }
  }
  // C(a) countries the institutions do not already state: they only matter
  // for K(w) (docs/store-format.md), so they are kept once per work.
  std::vector<CountryCode> extra;
  for (const Authorship& a : w.authorships)
    for (uint32_t c = a.country_begin; c < a.country_end; ++c) {
      CountryCode code = w.countries[c];
      bool stated = std::any_of(w.institutions.begin(), w.institutions.end(),
                                [&](const InstitutionRef& r) { return r.country == code; });
      if (!stated && std::find(extra.begin(), extra.end(), code) == extra.end()) extra.push_back(code);
    }
  std::sort(extra.begin(), extra.end());
  PutVarint(&blobs_, extra.size());
  for (CountryCode c : extra) PutFixed<uint16_t>(&blobs_, c);
  e.blob_end = blobs_.size();
  entries_.push_back(e);
}

void SegmentWriter::Clear() {
  entries_.clear();
  blobs_.clear();
  locals_.clear();
  dict_.clear();
  dict_offsets_.clear();
  dict_index_.Clear();
  types_.clear();
  type_index_.clear();
}

Result<SegmentStats> SegmentWriter::Finish(const std::string& path) {
  SegmentStats stats;
  std::vector<uint32_t> order(entries_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Entry &x = entries_[a], &y = entries_[b];
    if (x.id != y.id) return x.id < y.id;
    if (x.updated != y.updated) return x.updated < y.updated;
    return x.seq < y.seq;
  });
  // Keep the last version of each id.
  std::vector<uint32_t> rows;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i + 1 < order.size() && entries_[order[i + 1]].id == entries_[order[i]].id) {
      ++stats.duplicates;
      continue;
    }
    rows.push_back(order[i]);
  }
  int64_t base = 0;
  for (size_t i = 0; i < rows.size(); ++i)
    base = i == 0 ? entries_[rows[i]].updated : std::min(base, entries_[rows[i]].updated);
  // The attributes (docs/store-format.md): updated − base in the fewest whole
  // bytes that hold every row's; year, type and field as one number in mixed
  // radix, with the citations on top of it when the product fits 63 bits.
  int32_t year_base = 0;
  uint64_t max_delta = 0, max_citations = 0, fields = 1;
  for (uint32_t r : rows) {
    const Entry& e = entries_[r];
    if (e.year != 0) year_base = year_base == 0 ? e.year : std::min(year_base, e.year);
    max_delta = std::max(max_delta, static_cast<uint64_t>(e.updated - base));
    max_citations = std::max<uint64_t>(max_citations, e.citations);
    fields = std::max<uint64_t>(fields, uint64_t{e.field} + 1);
  }
  uint64_t years = 1;
  for (uint32_t r : rows) {
    const int32_t year = entries_[r].year;
    if (year != 0) years = std::max<uint64_t>(years, static_cast<uint64_t>(year - year_base) + 2);
  }
  if (types_.empty()) types_.emplace_back();
  // At most 2^11 years (1000–2999) · 2^20 types (a type per work) · 2^16 fields.
  const uint64_t radix = years * types_.size() * fields;
  const bool packed = static_cast<unsigned __int128>(radix) * (max_citations + 1) <= (uint64_t{1} << 63);
  uint32_t updated_bytes = 1;
  while (updated_bytes < 8 && (max_delta >> (8 * updated_bytes)) != 0) ++updated_bytes;
  std::string attributes;
  PutVarint(&attributes, static_cast<uint64_t>(year_base));
  PutVarint(&attributes, years);
  PutVarint(&attributes, fields);
  PutVarint(&attributes, packed ? 1 : 0);
  PutVarint(&attributes, updated_bytes);
  PutVarint(&attributes, types_.size());
  for (const std::string& t : types_) {
    PutVarint(&attributes, t.size());
    attributes.append(t);
  }

  std::string ids, row_index, blobs, postings, row;
  std::vector<std::vector<uint32_t>> lists(dict_offsets_.size());
  for (uint32_t r = 0; r < rows.size(); ++r) {
    const Entry& e = entries_[rows[r]];
    PutVarint(&ids, r == 0 ? e.id : e.id - entries_[rows[r - 1]].id);
    if (r % kRowBlock == 0) PutFixed<uint32_t>(&row_index, static_cast<uint32_t>(blobs.size()));
    row.clear();
    const uint64_t delta = static_cast<uint64_t>(e.updated - base);
    for (uint32_t b = 0; b < updated_bytes; ++b) row.push_back(static_cast<char>(delta >> (8 * b)));
    const uint64_t year = e.year == 0 ? 0 : static_cast<uint64_t>(e.year - year_base) + 1;
    const uint64_t attrs = (year * types_.size() + e.type) * fields + e.field;
    PutVarint(&row, packed ? attrs + radix * e.citations : attrs);
    if (!packed) PutVarint(&row, e.citations);
    row.append(blobs_, e.blob_begin, e.blob_end - e.blob_begin);
    PutVarint(&blobs, row.size());
    blobs.append(row);
    for (uint32_t i = e.local_begin; i < e.local_end; ++i) lists[locals_[i]].push_back(r);
    stats.authorships += e.authorships;
  }
  PutFixed<uint32_t>(&row_index, static_cast<uint32_t>(blobs.size()));
  // The dictionary: each entry followed by its posting list's length, the
  // whole compressed as one zstd frame.
  std::string raw_dict, list, scratch;
  for (size_t d = 0; d < lists.size(); ++d) {
    EncodePostings(lists[d], &list, &scratch);
    uint64_t begin = dict_offsets_[d], end = d + 1 < dict_offsets_.size() ? dict_offsets_[d + 1] : dict_.size();
    raw_dict.append(dict_, begin, end - begin);
    PutVarint(&raw_dict, list.size());
    postings.append(list);
  }
  if (std::max({blobs.size(), raw_dict.size()}) > UINT32_MAX) {
    Clear();
    return Status(ErrorCode::kInvalidArgument, fmt::format("segment {} would exceed 4 GiB in one section", path));
  }
  std::string dict;
  PutZstdFrame(&dict, raw_dict, kDictZstdLevel);

  const std::string* bodies[kSections] = {&ids, &row_index, &blobs, &dict, &postings, &attributes};
  std::string file(kTableBytes, '\0');
  Pad(&file);
  std::string table;
  for (int s = 0; s < kSections; ++s) {
    uint64_t offset = file.size();
    file.append(*bodies[s]);
    PutFixed<uint32_t>(&table, static_cast<uint32_t>(s + 1));
    PutFixed<uint32_t>(&table, Crc32(bodies[s]->data(), bodies[s]->size()));
    PutFixed<uint64_t>(&table, offset);
    PutFixed<uint64_t>(&table, bodies[s]->size());
    Pad(&file);
  }
  std::string header;
  header.append(kSegmentMagic, sizeof(kSegmentMagic));
  PutFixed<uint32_t>(&header, kSegmentFormatVersion);
  PutFixed<uint32_t>(&header, static_cast<uint32_t>(kTableBytes));
  PutFixed<uint32_t>(&header, static_cast<uint32_t>(rows.size()));
  PutFixed<uint32_t>(&header, static_cast<uint32_t>(dict_offsets_.size()));
  PutFixed<uint64_t>(&header, file.size());
  PutFixed<int64_t>(&header, base);
  PutFixed<uint32_t>(&header, kSections);
  PutFixed<uint32_t>(&header, 0);  // header crc, filled below
  header.resize(kHeaderBytes, '\0');
  file.replace(0, kHeaderBytes, header);
  file.replace(kHeaderBytes, table.size(), table);
  uint32_t hcrc = Crc32(file.data(), kTableBytes);
  std::memcpy(file.data() + kHeaderCrcOffset, &hcrc, sizeof(hcrc));

  stats.works = rows.size();
  stats.dict_entries = dict_offsets_.size();
  stats.bytes = file.size();
  stats.crc = Crc32(file.data(), file.size());
  Status st = WriteFileAtomically(path, file);
  Clear();
  if (!st.ok()) return st;
  return stats;
}

// ---------------------------------------------------------------- reader

Result<uint32_t> SegmentFormatOf(const std::string& path) {
  char head[12];
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status(ErrorCode::kIo, fmt::format("cannot open store segment {}", path));
  const bool whole = std::fread(head, 1, sizeof(head), f) == sizeof(head);
  std::fclose(f);
  if (!whole || std::memcmp(head, kSegmentMagic, sizeof(kSegmentMagic)) != 0)
    return Status(ErrorCode::kCorrupt, fmt::format("store segment {} is damaged: not a coopscope segment", path));
  return LoadFixed<uint32_t>(head + 8);
}

SegmentReader::~SegmentReader() = default;

Status SegmentReader::Corrupt(const std::string& what) const {
  return Status(ErrorCode::kCorrupt, fmt::format("store segment {} is damaged: {} (run `coopscope store verify`)",
                                                 path_, what));
}

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(const std::string& path, bool verify_checksums,
                                                           Mode mode) {
  std::unique_ptr<SegmentReader> r(new SegmentReader());
  r->path_ = path;
  // Populated at once (MappedFile): a query reads most of the pages, and one
  // call costs far less than a fault per page.
  auto map = MappedFile::Open(path, "store segment");
  if (!map.ok()) return map.status();
  r->map_ = std::move(map.value());
  const uint64_t size = r->file_bytes();
  if (size < kTableBytes) return r->Corrupt(fmt::format("{} bytes, shorter than a header", size));
  const char* h = r->base();
  if (std::memcmp(h, kSegmentMagic, sizeof(kSegmentMagic)) != 0) return r->Corrupt("not a coopscope segment (magic)");
  uint32_t version = LoadFixed<uint32_t>(h + 8);
  if (version != kSegmentFormatVersion)
    return Status(ErrorCode::kCorrupt,
                  fmt::format("store segment {} has format version {}; this coopscope reads {}: build the store "
                              "again from its input files (`coopscope store build` into a new folder)",
                              path, version, kSegmentFormatVersion));
  std::string table(h, kTableBytes);
  std::memset(table.data() + kHeaderCrcOffset, 0, 4);
  if (Crc32(table.data(), table.size()) != LoadFixed<uint32_t>(h + kHeaderCrcOffset))
    return r->Corrupt("header checksum mismatch");
  uint64_t file_bytes = LoadFixed<uint64_t>(h + 24);
  if (file_bytes != size)
    return r->Corrupt(fmt::format("{} bytes on disk, {} written (truncated or extended)", size, file_bytes));
  r->works_ = LoadFixed<uint32_t>(h + 16);
  r->dict_count_ = LoadFixed<uint32_t>(h + 20);
  r->updated_base_ = LoadFixed<int64_t>(h + 32);
  if (LoadFixed<uint32_t>(h + 40) != kSections) return r->Corrupt("unexpected section count");
  for (int s = 0; s < kSections; ++s) {
    const char* e = h + kHeaderBytes + s * kSectionEntryBytes;
    uint32_t kind = LoadFixed<uint32_t>(e);
    if (kind != static_cast<uint32_t>(s + 1)) return r->Corrupt("section table out of order");
    Sec sec{LoadFixed<uint32_t>(e + 4), LoadFixed<uint64_t>(e + 8), LoadFixed<uint64_t>(e + 16)};
    if (sec.offset < kTableBytes || sec.offset > size || sec.bytes > size - sec.offset)
      return r->Corrupt(fmt::format("section {} lies outside the file", kind));
    r->sections_[kind] = sec;
    // Every section, also those a kRowsOnly reader does not decode: a damaged
    // segment is an error for every query, not only for those that read the
    // damaged part.
    if (verify_checksums && Crc32(h + sec.offset, sec.bytes) != sec.crc)
      return r->Corrupt(fmt::format("section {} checksum mismatch", kind));
  }
  auto sec = [&](Section s) { return r->sections_[static_cast<uint32_t>(s)]; };
  if (sec(Section::kRowIndex).bytes != (RowBlocks(r->works_) + 1) * kOffsetBytes)
    return r->Corrupt("section sizes disagree with the header counts");
  r->row_index_ = h + sec(Section::kRowIndex).offset;
  r->blobs_ = h + sec(Section::kBlobs).offset;
  r->blobs_bytes_ = sec(Section::kBlobs).bytes;
  r->postings_ = h + sec(Section::kPostings).offset;
  r->postings_bytes_ = sec(Section::kPostings).bytes;
  if (Status st = r->LoadAttributes(); !st.ok()) return st;
  if (mode != Mode::kFull) return r;
  if (Status st = r->LoadIds(); !st.ok()) return st;
  if (Status st = r->LoadDictionary(); !st.ok()) return st;
  return r;
}

Status SegmentReader::LoadAttributes() {
  const Sec& sec = sections_[static_cast<uint32_t>(Section::kAttributes)];
  Cursor c(base() + sec.offset, base() + sec.offset + sec.bytes);
  Attributes& a = attrs_;
  const uint64_t year_base = c.Varint();
  a.years = c.Varint();
  a.fields = c.Varint();
  const uint64_t packed = c.Varint();
  const uint64_t updated_bytes = c.Varint();
  const uint64_t types = c.Varint();
  if (!c.ok() || year_base > 2999 || a.years == 0 || a.years > 3000 || a.fields == 0 || a.fields > 65536 ||
      packed > 1 || updated_bytes == 0 || updated_bytes > 8 || types == 0 || types > sec.bytes ||
      static_cast<unsigned __int128>(a.years * a.fields) * types > (uint64_t{1} << 47))
    return Corrupt("the attributes section does not decode");
  a.year_base = static_cast<int32_t>(year_base);
  a.citations_packed = packed == 1;
  a.updated_bytes = static_cast<uint32_t>(updated_bytes);
  a.radix = a.years * types * a.fields;
  a.type_names.clear();
  for (uint64_t t = 0; t < types && c.ok(); ++t) a.type_names.push_back(c.Bytes(c.Varint()));
  if (!c.ok() || !c.at_end()) return Corrupt("the attributes section does not decode");
  return Status::Ok();
}

bool SegmentReader::ReadUpdated(const char* p, const char* end, int64_t* updated) const {
  if (static_cast<uint64_t>(end - p) < attrs_.updated_bytes) return false;
  uint64_t delta = 0;
  for (uint32_t b = 0; b < attrs_.updated_bytes; ++b) delta |= uint64_t{static_cast<uint8_t>(p[b])} << (8 * b);
  *updated = updated_base_ + static_cast<int64_t>(delta);
  return true;
}

Status SegmentReader::LoadIds() {
  if (ids_loaded_) return Status::Ok();
  auto sec = [&](Section s) { return sections_[static_cast<uint32_t>(s)]; };
  // Ids: the first absolute, then strictly positive deltas.
  {
    const char* p = base() + sec(Section::kIds).offset;
    Cursor c(p, p + sec(Section::kIds).bytes);
    ids_.resize(works_);
    OpenAlexId prev = 0;
    for (uint32_t r = 0; r < works_; ++r) {
      uint64_t v = c.Varint();
      if (!c.ok() || (r > 0 && (v == 0 || v > UINT64_MAX - prev)))
        return Corrupt(fmt::format("ids do not decode or are out of order at row {}", r));
      prev = ids_[r] = r == 0 ? v : prev + v;
    }
    if (!c.at_end()) return Corrupt("ids section longer than the work count");
  }
  ids_loaded_ = true;
  return Status::Ok();
}

void SegmentReader::ReleaseDictionary() {
  dict_.reset();
  dict_bytes_ = 0;
  dict_offsets_ = {};
  posting_offsets_ = {};
  refs_ = {};
  lineage_ = {};
  dict_loaded_ = false;
}

Status SegmentReader::LoadDictionary() {
  if (dict_loaded_) return Status::Ok();
  auto sec = [&](Section s) { return sections_[static_cast<uint32_t>(s)]; };
  // The dictionary, decompressed, with its entries and posting lists indexed.
  const char* packed = base() + sec(Section::kDict).offset;
  const uint64_t packed_bytes = sec(Section::kDict).bytes;
  unsigned long long raw = ZSTD_getFrameContentSize(packed, packed_bytes);
  if (raw == ZSTD_CONTENTSIZE_ERROR || raw == ZSTD_CONTENTSIZE_UNKNOWN || raw > UINT32_MAX)
    return Corrupt("the dictionary does not decompress");
  dict_.reset(new char[raw]);
  dict_bytes_ = raw;
  if (!ReadZstdFrame(std::string_view(packed, packed_bytes), raw, dict_.get()))
    return Corrupt("the dictionary does not decompress");
  dict_offsets_.resize(uint64_t{dict_count_} + 1);
  posting_offsets_.resize(uint64_t{dict_count_} + 1);
  Cursor c(dict_.get(), dict_.get() + dict_bytes_);
  uint64_t postings = 0;
  refs_.resize(dict_count_);
  lineage_.clear();
  DictRef parsed;
  for (uint32_t d = 0; d < dict_count_; ++d) {
    dict_offsets_[d] = static_cast<uint32_t>(c.position() - dict_.get());
    posting_offsets_[d] = postings;
    uint64_t bytes = 0;
    if (!ParseDictEntry(c, &parsed, &bytes) || bytes > sec(Section::kPostings).bytes)
      return Corrupt(fmt::format("dictionary entry {} does not decode", d));
    InstitutionRef& ref = refs_[d];
    ref = parsed.ref;
    ref.lineage_begin = static_cast<uint32_t>(lineage_.size());
    lineage_.insert(lineage_.end(), parsed.lineage.begin(), parsed.lineage.end());
    ref.lineage_end = static_cast<uint32_t>(lineage_.size());
    ref.name_begin = static_cast<uint32_t>(parsed.name.data() - dict_.get());
    ref.name_end = static_cast<uint32_t>(ref.name_begin + parsed.name.size());
    postings += bytes;
  }
  dict_offsets_[dict_count_] = static_cast<uint32_t>(dict_bytes_);
  posting_offsets_[dict_count_] = postings;
  if (!c.at_end()) return Corrupt("dictionary longer than its entry count");
  if (postings != sec(Section::kPostings).bytes) return Corrupt("posting lists disagree with the dictionary");
  dict_loaded_ = true;
  return Status::Ok();
}

Status SegmentReader::Row(uint32_t row, uint64_t* begin, uint64_t* end) const {
  if (row >= works_) return Corrupt(fmt::format("row {} out of range", row));
  const uint64_t block = row / kRowBlock;
  const uint64_t b = LoadFixed<uint32_t>(row_index_ + block * kOffsetBytes);
  const uint64_t e = LoadFixed<uint32_t>(row_index_ + (block + 1) * kOffsetBytes);
  if (b > e || e > blobs_bytes_) return Corrupt(fmt::format("row block {} lies outside its section", block));
  Cursor c(blobs_ + b, blobs_ + e);
  for (uint32_t skip = row % kRowBlock; skip > 0 && c.ok(); --skip) c.Bytes(c.Varint());
  uint64_t n = c.Varint();
  const char* p = c.position();
  c.Bytes(n);
  if (!c.ok()) return Corrupt(fmt::format("row {} is truncated", row));
  *begin = static_cast<uint64_t>(p - blobs_);
  *end = *begin + n;
  return Status::Ok();
}

int64_t SegmentReader::Find(OpenAlexId id) const {
  auto it = std::lower_bound(ids_.begin(), ids_.end(), id);
  return it != ids_.end() && *it == id ? it - ids_.begin() : -1;
}

Result<int64_t> SegmentReader::Updated(uint32_t row) const {
  uint64_t b = 0, e = 0;
  if (Status st = Row(row, &b, &e); !st.ok()) return st;
  int64_t updated = 0;
  if (!ReadUpdated(blobs_ + b, blobs_ + e, &updated)) return Corrupt(fmt::format("row {} is truncated", row));
  return updated;
}

Status SegmentReader::Dict(uint32_t index, DictRef* out) const {
  if (index >= dict_count_) return Corrupt(fmt::format("dictionary index {} out of range", index));
  Cursor c(dict_.get() + dict_offsets_[index], dict_.get() + dict_offsets_[index + 1]);
  uint64_t bytes = 0;
  if (!ParseDictEntry(c, out, &bytes) || !c.at_end())
    return Corrupt(fmt::format("dictionary entry {} does not decode", index));
  return Status::Ok();
}

Status SegmentReader::Decode(uint32_t row, Work* w, std::vector<uint32_t>* entries) const {
  w->clear();
  if (entries != nullptr) entries->clear();
  thread_local RowShape shape;
  if (Status st = DecodeShape(row, &shape); !st.ok()) return st;
  w->id = ids_[row];
  w->updated_micros = shape.updated;
  w->year = shape.year;
  w->type.assign(shape.type);
  w->field = shape.field;
  w->citations = shape.citations;
  w->authorships = shape.authorships;
  for (uint32_t d : shape.mentions) {
    const InstitutionRef& ref = refs_[d];
    InstitutionRef inst = ref;
    inst.lineage_begin = static_cast<uint32_t>(w->lineage.size());
    w->lineage.insert(w->lineage.end(), lineage_.begin() + ref.lineage_begin, lineage_.begin() + ref.lineage_end);
    inst.lineage_end = static_cast<uint32_t>(w->lineage.size());
    inst.name_begin = static_cast<uint32_t>(w->text.size());
    w->text.append(dict_.get() + ref.name_begin, ref.name_end - ref.name_begin);
    inst.name_end = static_cast<uint32_t>(w->text.size());
    w->institutions.push_back(inst);
  }
  if (entries != nullptr) *entries = shape.mentions;
  // The extra countries are kept once per work: on the first authorship.
  w->countries = shape.extra_countries;
  if (!w->countries.empty()) w->authorships[0].country_end = static_cast<uint32_t>(w->countries.size());
  for (size_t a = 1; a < w->authorships.size(); ++a)
    w->authorships[a].country_begin = w->authorships[a].country_end = static_cast<uint32_t>(w->countries.size());
  return Status::Ok();
}

Status SegmentReader::ReadRowHead(uint32_t row, std::vector<uint32_t>* locals, RowHead* head) const {
  uint64_t b = 0, e = 0;
  if (Status st = Row(row, &b, &e); !st.ok()) return st;
  if (!ReadUpdated(blobs_ + b, blobs_ + e, &head->updated)) return Corrupt(fmt::format("row {} is truncated", row));
  Cursor c(blobs_ + b + attrs_.updated_bytes, blobs_ + e);
  // Year, type and field in mixed radix, the citations above them or next.
  const Attributes& a = attrs_;
  uint64_t v = c.Varint();
  const uint64_t citations = a.citations_packed ? v / a.radix : c.Varint();
  v = a.citations_packed ? v % a.radix : v;
  if (!c.ok() || v >= a.radix || citations > UINT32_MAX)
    return Corrupt(fmt::format("row {}: attributes out of range", row));
  head->field = static_cast<uint16_t>(v % a.fields);
  head->type = static_cast<uint32_t>(v / a.fields % a.type_names.size());
  const uint64_t year = v / a.fields / a.type_names.size();
  head->year = year == 0 ? 0 : a.year_base + static_cast<int32_t>(year) - 1;
  head->citations = static_cast<uint32_t>(citations);
  uint64_t n_local = c.Varint();
  if (n_local > dict_count_ || n_local > e - b) return Corrupt(fmt::format("row {}: {} references", row, n_local));
  locals->resize(n_local);
  for (uint64_t i = 0; i < n_local; ++i) {
    uint64_t d = c.Varint();
    if (d >= dict_count_) return Corrupt(fmt::format("row {}: dictionary index {} out of range", row, d));
    (*locals)[i] = static_cast<uint32_t>(d);
  }
  head->authorships = c.Varint();
  if (!c.ok() || head->authorships > e - b) return Corrupt(fmt::format("row {} does not decode", row));
  head->rest = c.position();
  head->end = blobs_ + e;
  return Status::Ok();
}

void SegmentReader::DropPages() const {
  if (base() != nullptr) ::madvise(const_cast<char*>(base()), file_bytes(), MADV_DONTNEED);
}

Status SegmentReader::DecodeShape(uint32_t row, RowShape* out) const {
  thread_local std::vector<uint32_t> locals;
  RowHead head;
  if (Status st = ReadRowHead(row, &locals, &head); !st.ok()) return st;
  const uint64_t left = head.end - head.rest;  // bytes after the head: a bound on every count below
  const uint64_t n_local = locals.size(), n_auth = head.authorships;
  Cursor c(head.rest, head.end);
  out->updated = head.updated;
  out->year = head.year;
  out->type = attrs_.type_names[head.type];
  out->field = head.field;
  out->citations = head.citations;
  out->authorships.resize(n_auth);
  out->mentions.clear();
  for (uint64_t a = 0; a < n_auth; ++a) {
    Authorship& au = out->authorships[a];
    uint64_t k = c.Varint();
    if (k > left) return Corrupt(fmt::format("row {} does not decode", row));
    au.inst_begin = static_cast<uint32_t>(out->mentions.size());
    for (uint64_t i = 0; i < k; ++i) {
      uint64_t local = c.Varint();
      if (!c.ok() || local >= n_local) return Corrupt(fmt::format("row {}: reference {} out of range", row, local));
      out->mentions.push_back(locals[local]);
    }
    au.inst_end = static_cast<uint32_t>(out->mentions.size());
    au.country_begin = au.country_end = 0;
  }
  uint64_t n_extra = c.Varint();
  if (n_extra > left) return Corrupt(fmt::format("row {} does not decode", row));
  out->extra_countries.clear();
  for (uint64_t i = 0; i < n_extra; ++i) out->extra_countries.push_back(c.Fixed<uint16_t>());
  if (!c.ok() || !c.at_end()) return Corrupt(fmt::format("row {} does not decode", row));
  if (n_extra > 0 && n_auth == 0) return Corrupt(fmt::format("row {}: countries without authorships", row));
  return Status::Ok();
}

Result<roaring_bitmap_t*> SegmentReader::Postings(uint32_t index) const {
  if (index >= dict_count_ || !dict_loaded_) return Corrupt(fmt::format("posting list {} out of range", index));
  return PostingsAt(posting_offsets_[index], posting_offsets_[index + 1]);
}

Result<roaring_bitmap_t*> SegmentReader::PostingsAt(uint64_t begin, uint64_t end) const {
  if (begin > end || end > postings_bytes_) return Corrupt(fmt::format("posting list at byte {} out of range", begin));
  const char* b = postings_ + begin;
  const char* e = postings_ + end;
  auto bad = [&] { return Corrupt(fmt::format("posting list at byte {} does not decode", begin)); };
  if (b == e) return bad();
  roaring_bitmap_t* bm = nullptr;
  if (static_cast<uint8_t>(*b) == kPostingsList) {
    Cursor c(b + 1, e);
    uint64_t n = c.Varint();
    if (n > static_cast<uint64_t>(e - b)) return bad();
    thread_local std::vector<uint32_t> rows;
    rows.resize(n);
    uint64_t prev = 0;
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t v = c.Varint();
      if (i > 0 && v == 0) return bad();
      prev = i == 0 ? v : prev + v;
      if (prev >= works_) return Corrupt(fmt::format("posting list at byte {} names a row past the end", begin));
      rows[i] = static_cast<uint32_t>(prev);
    }
    if (!c.ok() || !c.at_end()) return bad();
    bm = roaring_bitmap_of_ptr(n, rows.data());
  } else if (static_cast<uint8_t>(*b) == kPostingsRoaring) {
    bm = roaring_bitmap_portable_deserialize_safe(b + 1, e - b - 1);
    if (bm == nullptr) return bad();
    if (roaring_bitmap_get_cardinality(bm) > 0 && roaring_bitmap_maximum(bm) >= works_) {
      roaring_bitmap_free(bm);
      return Corrupt(fmt::format("posting list at byte {} names a row past the end", begin));
    }
  } else {
    return bad();
  }
  return bm;
}

Status SegmentReader::VerifyAll() const {
  for (int s = 1; s <= kSections; ++s)
    if (Crc32(base() + sections_[s].offset, sections_[s].bytes) != sections_[s].crc)
      return Corrupt(fmt::format("section {} checksum mismatch", s));
  Work w;
  uint64_t b = 0, e = 0;
  for (uint32_t r = 0; r < works_; ++r) {
    if (Status st = Decode(r, &w); !st.ok()) return st;
    // Each block's rows fill it exactly.
    if (r % kRowBlock == kRowBlock - 1 || r + 1 == works_) {
      if (Status st = Row(r, &b, &e); !st.ok()) return st;
      if (e != LoadFixed<uint32_t>(row_index_ + (uint64_t{r} / kRowBlock + 1) * kOffsetBytes))
        return Corrupt(fmt::format("row block {} has bytes after its last row", r / kRowBlock));
    }
  }
  if (LoadFixed<uint32_t>(row_index_ + RowBlocks(works_) * kOffsetBytes) != blobs_bytes_)
    return Corrupt("rows section longer than its rows");
  DictRef ref;
  for (uint32_t d = 0; d < dict_count_; ++d) {
    if (Status st = Dict(d, &ref); !st.ok()) return st;
    auto bm = Postings(d);
    if (!bm.ok()) return bm.status();
    roaring_bitmap_free(bm.value());
  }
  return Status::Ok();
}

}  // namespace coopscope::store
