// Segments: immutable, memory-mapped files holding works in the compact form
// of docs/store-format.md (format version 3).  A segment is self-contained: its
// own dictionary of institution references, its works sorted by id with one
// version per id, and posting lists from dictionary entries to work rows
// (CRoaring), so segments built anywhere can be merged by listing them.
//
// SegmentWriter is owned by one thread.  SegmentReader is immutable once
// opened and safe for concurrent readers; every decode is bounds-checked and
// a damaged file gives a Status naming it, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/mapped_file.h"
#include "io/status.h"
#include "model/work.h"
#include "store/bytes_index.h"

typedef struct roaring_bitmap_s roaring_bitmap_t;

namespace coopscope::store {

inline constexpr char kSegmentMagic[8] = {'C', 'O', 'O', 'P', 'S', 'E', 'G', '\n'};
inline constexpr uint32_t kSegmentFormatVersion = 3;
inline constexpr size_t kSegmentMaxWorks = size_t{1} << 20;  // flush thresholds of a writer
inline constexpr size_t kSegmentMaxPendingBytes = size_t{1} << 30;

enum class Section : uint32_t { kIds = 1, kRowIndex, kBlobs, kDict, kPostings, kAttributes };
inline constexpr int kSections = 6;
inline constexpr uint32_t kRowBlock = 16;  // rows per row-index entry

// Stored form of one institution reference (a dictionary entry).
struct DictRef {
  InstitutionRef ref;  // lineage and name ranges point into lineage / name below
  std::vector<OpenAlexId> lineage;
  std::string_view name;  // into the reader's dictionary: valid while the reader lives
};

// A row as stored: its year, the dictionary entry of each institution
// mention (in authorship order), the authorships' mention ranges, and the
// extra countries — all a query reads when the generation's facts file holds
// the rest; Decode expands it into a Work.
struct RowShape {
  int64_t updated = 0;  // microseconds
  int32_t year = 0;
  std::string_view type;  // into the reader's mapping: valid while the reader lives
  uint16_t field = 0;
  uint32_t citations = 0;
  std::vector<uint32_t> mentions;
  std::vector<Authorship> authorships;  // country ranges empty
  std::vector<CountryCode> extra_countries;  // the authorships' countries no institution states
};

struct SegmentStats {
  uint64_t works = 0;             // rows (one per distinct id)
  uint64_t duplicates = 0;        // older versions dropped inside the segment
  uint64_t authorships = 0;       // over the rows
  uint64_t dict_entries = 0;
  uint64_t bytes = 0;             // file size
  uint32_t crc = 0;               // crc32 of the whole file
};

class SegmentWriter {
 public:
  SegmentWriter();
  ~SegmentWriter();
  // Adds one version of a work; seq orders versions with equal updated_date
  // (the later wins).
  void Add(const Work& w, uint64_t seq);
  size_t pending() const { return entries_.size(); }
  // Writes the segment to `path` (through a temporary name, fsync, rename) and
  // resets the writer.  Returns what was written.
  Result<SegmentStats> Finish(const std::string& path);
  // Bytes held for the next segment (flush well before a section reaches 4 GiB).
  size_t pending_bytes() const { return blobs_.size() + dict_.size(); }

 private:
  void Clear();
  uint32_t Intern(const Work& w, const InstitutionRef& ref);
  struct Entry {
    OpenAlexId id;
    int64_t updated;
    uint64_t seq;
    int32_t year;
    uint32_t type;  // in types_
    uint16_t field;
    uint32_t citations;
    uint64_t blob_begin, blob_end;    // in blobs_ (without the updated field)
    uint32_t local_begin, local_end;  // dictionary indices in locals_
    uint32_t authorships;
  };
  std::vector<Entry> entries_;
  std::string blobs_;
  std::vector<uint32_t> locals_;
  std::string dict_;                  // encoded entries, back to back
  std::vector<uint64_t> dict_offsets_;
  BytesIndex dict_index_;             // the entries by their bytes in dict_
  std::string key_;                   // scratch
  std::vector<uint32_t> local_scratch_;
  std::vector<std::string> types_;    // the works' types, in order of first use
  std::unordered_map<std::string, uint32_t> type_index_;
};

class SegmentReader {
 public:
  // Maps the file and checks its header, section table and sizes.  With
  // verify_checksums, also the crc32 of every section.
  // kFull decodes the ids and the dictionary.  kDeferred decodes nothing
  // (LoadIds and LoadDictionary do, later).  kRowsOnly is for a query that
  // finds its entries and posting lists through the generation's facts file:
  // only DecodeShape and PostingsAt may be used.
  enum class Mode { kFull, kDeferred, kRowsOnly };
  static Result<std::unique_ptr<SegmentReader>> Open(const std::string& path, bool verify_checksums,
                                                     Mode mode = Mode::kFull);
  ~SegmentReader();
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  const std::string& path() const { return path_; }
  uint32_t works() const { return works_; }
  uint32_t dict_size() const { return dict_count_; }
  uint64_t file_bytes() const { return map_.view().size(); }
  OpenAlexId id(uint32_t row) const { return ids_[row]; }
  // Row of a work id, or -1.
  int64_t Find(OpenAlexId id) const;

  // The updated_date (microseconds) of a row.
  Result<int64_t> Updated(uint32_t row) const;
  // Refills w with the row's work; with entries, also the dictionary index
  // of each of w's institution references (a query tests each entry once).
  Status Decode(uint32_t row, Work* w, std::vector<uint32_t>* entries = nullptr) const;
  // The same, reading only the row's year, mentions and authorships.
  Status DecodeShape(uint32_t row, RowShape* out) const;
  // A dictionary entry.
  Status Dict(uint32_t index, DictRef* out) const;
  // The same, parsed when the segment was opened (index < dict_size()):
  // lineage_begin/end index lineage(); Name gives the name.
  const InstitutionRef& Ref(uint32_t index) const { return refs_[index]; }
  const OpenAlexId* lineage() const { return lineage_.data(); }
  std::string_view Name(const InstitutionRef& ref) const {
    return std::string_view(dict_.get() + ref.name_begin, ref.name_end - ref.name_begin);
  }
  // The rows holding dictionary entry `index`; the caller frees the bitmap.
  Result<roaring_bitmap_t*> Postings(uint32_t index) const;
  // The same for the posting list at [begin, end) of the postings section.
  Result<roaring_bitmap_t*> PostingsAt(uint64_t begin, uint64_t end) const;
  // Where entry `index`'s posting list starts (index <= dict_size()).
  uint64_t PostingOffset(uint32_t index) const { return posting_offsets_[index]; }

  // Checks every section's crc32 and decodes every row and posting list.
  Status VerifyAll() const;
  // Lets the kernel drop the mapped pages from this process (they are read
  // again from the page cache when next used): a pass over a whole store
  // keeps only the segment it is reading resident.
  void DropPages() const;
  // For a reader opened without load, by the one thread that reads it (not
  // safe with concurrent readers): decodes the ids; decompresses the
  // dictionary, parses its entries and indexes their posting lists; frees
  // them again.  Each is a no-op when already done.
  Status LoadIds();
  Status LoadDictionary();
  void ReleaseDictionary();

 private:
  SegmentReader() = default;
  Status Corrupt(const std::string& what) const;
  // A row's start: updated, year, its local entry table (dictionary indices,
  // checked) and its authorship count; `rest` points past them.
  struct RowHead {
    int64_t updated = 0;
    int32_t year = 0;
    uint32_t type = 0;  // in types_
    uint16_t field = 0;
    uint32_t citations = 0;
    uint64_t authorships = 0;
    const char* rest = nullptr;
    const char* end = nullptr;
  };
  Status ReadRowHead(uint32_t row, std::vector<uint32_t>* locals, RowHead* head) const;
  // [begin, end) of a row's bytes in the blobs section.
  Status Row(uint32_t row, uint64_t* begin, uint64_t* end) const;
  Status LoadAttributes();
  // A row's updated_date, at the start of its bytes [p, end).
  bool ReadUpdated(const char* p, const char* end, int64_t* updated) const;


  std::string path_;
  const char* base() const { return map_.view().data(); }
  MappedFile map_;
  uint32_t works_ = 0, dict_count_ = 0;
  int64_t updated_base_ = 0;
  // The attributes section (docs/store-format.md): how a row's year, type,
  // field and citations are packed into one number, and the type names.
  struct Attributes {
    int32_t year_base = 0;
    uint64_t years = 1, fields = 1;  // two of the radices (the third: the type count)
    uint64_t radix = 1;              // years · types · fields
    bool citations_packed = false;
    uint32_t updated_bytes = 8;
    std::vector<std::string_view> type_names;  // into the mapping
  } attrs_;
  struct Sec {
    uint32_t crc = 0;
    uint64_t offset = 0, bytes = 0;
  };
  Sec sections_[kSections + 1];
  std::vector<OpenAlexId> ids_;        // decoded from the delta-coded section
  const char* row_index_ = nullptr;    // u32 per block of kRowBlock rows, + 1
  const char* blobs_ = nullptr;
  uint64_t blobs_bytes_ = 0;
  std::unique_ptr<char[]> dict_;       // the decompressed dictionary (not zero-filled first)
  uint64_t dict_bytes_ = 0;
  std::vector<uint32_t> dict_offsets_;       // per entry + 1, in dict_
  std::vector<InstitutionRef> refs_;         // per entry, parsed; names in dict_
  std::vector<OpenAlexId> lineage_;          // the entries' lineages, back to back
  std::vector<uint64_t> posting_offsets_;    // per entry + 1, in the postings section
  const char* postings_ = nullptr;
  uint64_t postings_bytes_ = 0;
  bool ids_loaded_ = false, dict_loaded_ = false;
};

// The stored form of a dictionary entry without its posting length: the
// identity of an entry across segments.
void AppendEntryKey(std::string* out, const InstitutionRef& ref, const OpenAlexId* lineage, size_t lineage_size,
                    std::string_view name);
// Parses [begin, end): one entry in that form followed by a posting length
// (ignored).  lineage and name point into out / [begin, end).
bool ParseEntry(const char* begin, const char* end, DictRef* out);

uint32_t Crc32(const char* data, size_t size, uint32_t seed = 0);

// The format version a segment file's header states (its first 12 bytes
// only: `store info` reports it, which any version may hold).
Result<uint32_t> SegmentFormatOf(const std::string& path);

}  // namespace coopscope::store
