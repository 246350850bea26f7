#include "store/facts_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <fmt/format.h>

#include "store/encoding.h"
#include "store/segment.h"

namespace coopscope::store {
namespace {

constexpr size_t kHeaderBytes = 32;
constexpr size_t kEntryBytes = 40;
constexpr size_t kHeaderCrcOffset = 28;
constexpr uint16_t kFlagBits = 0x7f;

void Pad(std::string* out, size_t align) {
  while (out->size() % align != 0) out->push_back('\0');
}

}  // namespace

uint16_t PackFactsCode(const WorkFacts& f) {
  return static_cast<uint16_t>((f.flags & kFlagBits) | static_cast<uint16_t>(f.type) << 7 |
                               static_cast<uint16_t>(f.country_class) << 9);
}

bool UnpackFactsCode(uint16_t code, uint16_t* flags, CollabType* type, CountryClass* country_class) {
  const uint16_t t = (code >> 7) & 3, c = (code >> 9) & 7;
  if (code >> 12 != 0 || c >= kCountryClasses) return false;
  *flags = code & kFlagBits;
  *type = static_cast<CollabType>(t);
  *country_class = static_cast<CountryClass>(c);
  return true;
}

FactsBlockBuilder::FactsBlockBuilder(int64_t segment_id, uint32_t rows)
    : segment_id_(segment_id), codes_(rows, 0), sets_(rows, 0) {
  index_.emplace(std::string(), 0);  // set 0: no country
  set_offsets_.push_back(0);
}

void FactsBlockBuilder::Set(uint32_t row, const WorkFacts& facts, const CountryCode* countries, size_t n) {
  codes_[row] = PackFactsCode(facts);
  key_.assign(reinterpret_cast<const char*>(countries), n * sizeof(CountryCode));
  auto [it, fresh] = index_.try_emplace(key_, static_cast<uint32_t>(set_offsets_.size() - 1));
  if (fresh) {
    countries_.insert(countries_.end(), countries, countries + n);
    set_offsets_.push_back(static_cast<uint32_t>(countries_.size()));
  }
  sets_[row] = it->second;
}

void FactsBlockBuilder::AppendTo(std::string* out, std::string* table) const {
  Pad(out, 8);
  const size_t begin = out->size();
  out->append(reinterpret_cast<const char*>(codes_.data()), codes_.size() * sizeof(uint16_t));
  Pad(out, 4);
  out->append(reinterpret_cast<const char*>(sets_.data()), sets_.size() * sizeof(uint32_t));
  out->append(reinterpret_cast<const char*>(set_offsets_.data()), set_offsets_.size() * sizeof(uint32_t));
  out->append(reinterpret_cast<const char*>(countries_.data()), countries_.size() * sizeof(CountryCode));
  PutFixed<int64_t>(table, segment_id_);
  PutFixed<uint32_t>(table, static_cast<uint32_t>(codes_.size()));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(set_offsets_.size() - 1));
  PutFixed<uint32_t>(table, static_cast<uint32_t>(countries_.size()));
  PutFixed<uint32_t>(table, Crc32(out->data() + begin, out->size() - begin));
  PutFixed<uint64_t>(table, begin);  // rebased past the header and table by EncodeFactsFile
  PutFixed<uint64_t>(table, out->size() - begin);
}

std::string EncodeFactsFile(uint64_t generation, const std::vector<FactsBlockBuilder>& blocks) {
  std::string body, table;
  for (const FactsBlockBuilder& b : blocks) b.AppendTo(&body, &table);
  const uint64_t base = kHeaderBytes + table.size();  // a multiple of 8
  for (size_t i = 0; i < blocks.size(); ++i) {
    char* at = table.data() + i * kEntryBytes + 24;
    uint64_t offset = LoadFixed<uint64_t>(at) + base;
    std::memcpy(at, &offset, sizeof(offset));
  }
  std::string out(kFactsMagic, sizeof(kFactsMagic));
  PutFixed<uint32_t>(&out, kFactsFormatVersion);
  PutFixed<uint32_t>(&out, static_cast<uint32_t>(blocks.size()));
  PutFixed<uint64_t>(&out, generation);
  PutFixed<uint32_t>(&out, Crc32(table.data(), table.size()));
  PutFixed<uint32_t>(&out, 0);
  uint32_t crc = Crc32(out.data(), out.size());
  std::memcpy(out.data() + kHeaderCrcOffset, &crc, sizeof(crc));
  out += table;
  out += body;
  return out;
}

FactsFile::~FactsFile() {
  if (base_ != nullptr) ::munmap(const_cast<char*>(base_), size_);
}

Status FactsFile::Corrupt(const std::string& what) const {
  return Status(ErrorCode::kCorrupt,
                fmt::format("store facts file {} is damaged: {}; run `coopscope store verify`, then `coopscope store "
                            "update` on the store to write it again",
                            path_, what));
}

Result<std::unique_ptr<FactsFile>> FactsFile::Open(const std::string& path, uint64_t generation) {
  std::unique_ptr<FactsFile> f(new FactsFile());
  f->path_ = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(ErrorCode::kNotFound, fmt::format("store facts file {} is missing", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status(ErrorCode::kIo, fmt::format("cannot stat {}", path));
  }
  f->size_ = static_cast<uint64_t>(st.st_size);
  if (f->size_ < kHeaderBytes) {
    ::close(fd);
    return f->Corrupt(fmt::format("{} bytes, shorter than a header", f->size_));
  }
  void* map = ::mmap(nullptr, f->size_, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return Status(ErrorCode::kIo, fmt::format("cannot map {}", path));
  f->base_ = static_cast<const char*>(map);
  const char* h = f->base_;
  if (std::memcmp(h, kFactsMagic, sizeof(kFactsMagic)) != 0) return f->Corrupt("not a coopscope facts file (magic)");
  if (uint32_t v = LoadFixed<uint32_t>(h + 8); v != kFactsFormatVersion)
    return f->Corrupt(fmt::format("format version {}; this coopscope reads {}", v, kFactsFormatVersion));
  std::string header(h, kHeaderBytes);
  std::memset(header.data() + kHeaderCrcOffset, 0, 4);
  if (Crc32(header.data(), header.size()) != LoadFixed<uint32_t>(h + kHeaderCrcOffset))
    return f->Corrupt("header checksum mismatch");
  const uint32_t n = LoadFixed<uint32_t>(h + 12);
  if (LoadFixed<uint64_t>(h + 16) != generation)
    return f->Corrupt(fmt::format("it holds generation {}, the catalog {}", LoadFixed<uint64_t>(h + 16), generation));
  if (kHeaderBytes + uint64_t{n} * kEntryBytes > f->size_) return f->Corrupt("table past the end of the file");
  const char* table = h + kHeaderBytes;
  if (Crc32(table, size_t{n} * kEntryBytes) != LoadFixed<uint32_t>(h + 24)) return f->Corrupt("table checksum mismatch");
  for (uint32_t i = 0; i < n; ++i) {
    const char* e = table + size_t{i} * kEntryBytes;
    Entry entry{LoadFixed<uint32_t>(e + 8),  LoadFixed<uint32_t>(e + 12), LoadFixed<uint32_t>(e + 16),
                LoadFixed<uint32_t>(e + 20), LoadFixed<uint64_t>(e + 24), LoadFixed<uint64_t>(e + 32)};
    const uint64_t need = (uint64_t{entry.rows} * 2 + 3) / 4 * 4 + uint64_t{entry.rows} * 4 +
                          (uint64_t{entry.sets} + 1) * 4 + uint64_t{entry.countries} * 2;
    if (entry.offset % 8 != 0 || entry.offset > f->size_ || entry.bytes > f->size_ - entry.offset ||
        entry.bytes != need)
      return f->Corrupt(fmt::format("block {} does not fit", i));
    f->entries_[LoadFixed<int64_t>(e)] = entry;
  }
  return f;
}

Status FactsFile::Check(const Entry& e, bool verify, Block* out) const {
  const char* b = base_ + e.offset;
  if (verify && Crc32(b, e.bytes) != e.crc) return Corrupt(fmt::format("checksum mismatch in a block at byte {}", e.offset));
  out->rows = e.rows;
  out->set_count = e.sets;
  out->codes = reinterpret_cast<const uint16_t*>(b);
  b += (uint64_t{e.rows} * 2 + 3) / 4 * 4;
  out->sets = reinterpret_cast<const uint32_t*>(b);
  b += uint64_t{e.rows} * 4;
  out->set_offsets = reinterpret_cast<const uint32_t*>(b);
  b += (uint64_t{e.sets} + 1) * 4;
  out->countries = reinterpret_cast<const CountryCode*>(b);
  // The set table must stay inside the block: rows are checked as they are read.
  if (out->set_offsets[0] != 0) return Corrupt(fmt::format("set table of the block at byte {}", e.offset));
  for (uint32_t s = 0; s < e.sets; ++s)
    if (out->set_offsets[s + 1] < out->set_offsets[s] || out->set_offsets[s + 1] > e.countries)
      return Corrupt(fmt::format("set table of the block at byte {}", e.offset));
  return Status::Ok();
}

Status FactsFile::Find(int64_t segment_id, uint32_t rows, bool verify, Block* out) const {
  auto it = entries_.find(segment_id);
  if (it == entries_.end()) return Corrupt(fmt::format("no block for segment {}", segment_id));
  if (it->second.rows != rows)
    return Corrupt(fmt::format("the block for segment {} holds {} rows, the segment {}", segment_id, it->second.rows, rows));
  return Check(it->second, verify, out);
}

Status FactsFile::VerifyAll() const {
  for (const auto& [id, e] : entries_) {
    Block b;
    if (Status st = Check(e, true, &b); !st.ok()) return st;
    uint16_t flags;
    CollabType type;
    CountryClass cls;
    for (uint32_t r = 0; r < b.rows; ++r)
      if (b.sets[r] >= b.set_count || !UnpackFactsCode(b.codes[r], &flags, &type, &cls))
        return Corrupt(fmt::format("segment {} row {} out of range", id, r));
  }
  return Status::Ok();
}

}  // namespace coopscope::store
