#include "registry/registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "io/ascii.h"
#include "io/json_records.h"

namespace coopscope {
namespace {

using simdjson::ondemand::array;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

// The key of an object field; "" when unreadable.
template <typename Field>
std::string_view Key(Field& field) {
  std::string_view key;
  if (field.unescaped_key().get(key)) return {};
  return key;
}

std::string_view Str(value v) {
  std::string_view s;
  if (v.get_string().get(s)) return {};
  return s;
}

double Num(value v) {
  double d;
  if (v.get_double().get(d)) return NAN;
  return d;
}


void AddUnique(std::vector<uint64_t>& list, uint64_t id) {
  if (id != 0 && std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
}

// The fields of one ROR record (schema v2, tolerating v1 field names).
struct RorRecord {
  RegistryEntry entry;
  Status Parse(object& obj) {
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return Status(ErrorCode::kParse, "unreadable key");
      value v = field.value();
      if (key == "id") {
        entry.ror = ParseRorId(Str(v));
      } else if (key == "names") {
        array names;
        if (v.get_array().get(names)) continue;
        for (auto n : names) {
          object no;
          if (n.get_object().get(no)) continue;
          bool display = false, acronym = false;
          std::string text;
          for (auto f : no) {
            std::string_view k = Key(f);
            if (k == "value")
              text = std::string(Str(f.value()));
            else if (k == "types") {
              array types;
              if (!f.value().get_array().get(types))
                for (auto t : types) {
                  std::string_view type = Str(t.value_unsafe());
                  display |= type == "ror_display";
                  acronym |= type == "acronym";
                }
            }
          }
          if (acronym && !text.empty()) entry.acronyms.push_back(text);
          if (display && entry.name.empty())
            entry.name = text;
          else if (!text.empty())
            entry.aliases.push_back(std::move(text));
        }
      } else if (key == "name") {  // schema v1
        entry.name = std::string(Str(v));
      } else if (key == "types") {
        array types;
        if (v.get_array().get(types)) continue;
        for (auto t : types) {
          auto type = ParseInstitutionType(Str(t.value_unsafe()));
          if (entry.type == InstitutionType::kUnknown || entry.type == InstitutionType::kFunder) entry.type = type;
        }
      } else if (key == "status") {
        std::string_view s = Str(v);
        entry.active = s.empty() || s == "active";
      } else if (key == "locations") {
        array locations;
        if (v.get_array().get(locations)) continue;
        for (auto loc : locations) {
          object lo;
          if (loc.get_object().get(lo)) continue;
          object geo;
          if (lo.find_field_unordered("geonames_details").get_object().get(geo)) continue;
          for (auto f : geo) {
            std::string_view k = Key(f);
            if (k == "country_code" && entry.country == kNoCountry)
              entry.country = MakeCountry(Str(f.value()));
            else if (k == "lat" && std::isnan(entry.lat))
              entry.lat = Num(f.value());
            else if (k == "lng" && std::isnan(entry.lng))
              entry.lng = Num(f.value());
            else if (k == "name" && entry.city.empty())
              entry.city = std::string(Str(f.value()));
          }
          break;  // the first location is the organisation's seat
        }
      } else if (key == "country") {  // schema v1
        object c;
        if (!v.get_object().get(c)) entry.country = MakeCountry(Str(c.find_field_unordered("country_code").value()));
      } else if (key == "relationships") {
        array rels;
        if (v.get_array().get(rels)) continue;
        for (auto r : rels) {
          object ro;
          if (r.get_object().get(ro)) continue;
          std::string type;
          RorId id = 0;
          for (auto f : ro) {
            std::string_view k = Key(f);
            if (k == "type")
              type = std::string(Str(f.value()));
            else if (k == "id")
              id = ParseRorId(Str(f.value()));
          }
          if (EqualsIgnoreAsciiCase(type, "parent"))
            AddUnique(entry.ror_parents, id);
          else if (EqualsIgnoreAsciiCase(type, "child"))
            AddUnique(entry.ror_children, id);
          else if (EqualsIgnoreAsciiCase(type, "related"))
            AddUnique(entry.ror_related, id);
        }
      }
    }
    if (entry.ror == 0) return Status(ErrorCode::kParse, "ROR record without a valid \"id\"");
    return Status::Ok();
  }
};

// The fields of one OpenAlex institution entity.
struct OpenAlexInstitution {
  RegistryEntry entry;
  Status Parse(object& obj) {
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return Status(ErrorCode::kParse, "unreadable key");
      value v = field.value();
      if (key == "id")
        entry.openalex = ParseOpenAlexId(Str(v), 'I');
      else if (key == "ror")
        entry.ror = ParseRorId(Str(v));
      else if (key == "display_name")
        entry.name = std::string(Str(v));
      else if (key == "country_code")
        entry.country = MakeCountry(Str(v));
      else if (key == "type")
        entry.type = ParseInstitutionType(Str(v));
      else if (key == "display_name_acronyms" || key == "display_name_alternatives") {
        array list;
        if (v.get_array().get(list)) continue;
        for (auto a : list) {
          std::string_view s = Str(a.value_unsafe());
          if (s.empty()) continue;
          entry.aliases.emplace_back(s);
          if (key == "display_name_acronyms") entry.acronyms.emplace_back(s);
        }
      } else if (key == "geo") {
        object geo;
        if (v.get_object().get(geo)) continue;
        for (auto f : geo) {
          std::string_view k = Key(f);
          if (k == "latitude")
            entry.lat = Num(f.value());
          else if (k == "longitude")
            entry.lng = Num(f.value());
          else if (k == "country_code" && entry.country == kNoCountry)
            entry.country = MakeCountry(Str(f.value()));
          else if (k == "city")
            entry.city = std::string(Str(f.value()));
        }
      } else if (key == "lineage") {
        array list;
        if (v.get_array().get(list)) continue;
        for (auto a : list) AddUnique(entry.lineage, ParseOpenAlexId(Str(a.value_unsafe()), 'I'));
      } else if (key == "associated_institutions") {
        array list;
        if (v.get_array().get(list)) continue;
        for (auto a : list) {
          object ao;
          if (a.get_object().get(ao)) continue;
          OpenAlexId id = 0;
          std::string relation;
          for (auto f : ao) {
            std::string_view k = Key(f);
            if (k == "id")
              id = ParseOpenAlexId(Str(f.value()), 'I');
            else if (k == "relationship")
              relation = std::string(Str(f.value()));
          }
          if (relation == "parent")
            AddUnique(entry.openalex_parents, id);
          else if (relation == "child")
            AddUnique(entry.openalex_children, id);
        }
      }
    }
    if (entry.openalex == 0) return Status(ErrorCode::kParse, "OpenAlex institution without a valid \"id\" (I…)");
    return Status::Ok();
  }
};

// Appends the characters of a UTF-8 string, folded to ASCII lower case
// where a Latin letter with a diacritic has an obvious base letter.
void FoldCodepoint(uint32_t cp, std::string* out) {
  static constexpr std::string_view kLatin1 =  // U+00C0..U+00FF
      "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
      "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
  static_assert(kLatin1.size() == 64);
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out->push_back(c);
    else
      out->push_back(' ');
  } else if (cp == 0xC6 || cp == 0xE6 || cp == 0x152 || cp == 0x153) {
    // Ligatures fold to their two letters, as people write them without
    // one: "Sciences pour l'Œnologie" is read in "Sciences Pour l'Oenologie".
    out->append(cp == 0xC6 || cp == 0xE6 ? "ae" : "oe");
  } else if (cp == 0x132 || cp == 0x133) {
    out->append("ij");
  } else if (cp >= 0x2000 && cp <= 0x206F) {
    out->push_back(' ');  // spaces, dashes and quotes of General Punctuation ("l’Œnologie")
  } else if (cp >= 0xC0 && cp <= 0xFF) {
    char c = kLatin1[cp - 0xC0];
    out->push_back(c == '*' || c == '/' ? ' ' : c);
    if (cp == 0xDF) out->push_back('s');
  } else if (cp >= 0x100 && cp <= 0x17F) {
    static constexpr std::string_view kExtA =  // U+0100..U+017F, pairs upper/lower
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuu"
        "uuuuuuwwyyyzzzzzzs";
    static_assert(kExtA.size() == 128);
    out->push_back(kExtA[cp - 0x100]);
  } else {
    // Keep other scripts as they are (bytes appended by the caller).
    out->push_back('\x01');
  }
}

}  // namespace

std::string NormalizeName(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > text.size()) len = 1;
    uint32_t cp = c;
    if (len == 2)
      cp = ((c & 0x1F) << 6) | (text[i + 1] & 0x3F);
    else if (len == 3)
      cp = ((c & 0x0F) << 12) | ((text[i + 1] & 0x3F) << 6) | (text[i + 2] & 0x3F);
    else if (len == 4)
      cp = ((c & 0x07) << 18) | ((text[i + 1] & 0x3F) << 12) | ((text[i + 2] & 0x3F) << 6) | (text[i + 3] & 0x3F);
    size_t before = folded.size();
    FoldCodepoint(cp, &folded);
    if (folded.size() > before && folded.back() == '\x01') {
      folded.pop_back();
      folded.append(text.substr(i, len));
    }
    i += len;
  }
  // Collapse spaces.
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void Registry::Reserve(size_t n) {
  entries_.reserve(n);
  by_openalex_.Reserve(n);
  by_ror_.Reserve(n);
}

void Registry::AddEntry(RegistryEntry entry) {
  RegistryEntry& e = Upsert(entry.openalex, entry.ror);
  e = std::move(entry);
  names_indexed_ = false;
}

RegistryEntry& Registry::Upsert(OpenAlexId id, RorId ror) {
  size_t index = entries_.size();
  if (uint32_t at = by_ror_.Find(ror); at != IdIndex::kNone) index = at;
  if (index == entries_.size()) {
    if (uint32_t at = by_openalex_.Find(id); at != IdIndex::kNone) index = at;
  }
  if (index == entries_.size()) entries_.emplace_back();
  RegistryEntry& e = entries_[index];
  if (e.openalex == 0 && id != 0) {
    e.openalex = id;
    by_openalex_.Set(id, static_cast<uint32_t>(index));
  }
  if (e.ror == 0 && ror != 0) {
    e.ror = ror;
    by_ror_.Set(ror, static_cast<uint32_t>(index));
  }
  return e;
}

namespace {

// Fills what `into` lacks from `from`; relation lists are united.
void MergeEntry(RegistryEntry& into, RegistryEntry&& from) {
  if (into.name.empty())
    into.name = std::move(from.name);
  else if (!from.name.empty() && from.name != into.name)
    into.aliases.push_back(std::move(from.name));
  for (auto& a : from.aliases) into.aliases.push_back(std::move(a));
  for (auto& a : from.acronyms) into.acronyms.push_back(std::move(a));
  if (into.city.empty()) into.city = std::move(from.city);
  if (into.country == kNoCountry) into.country = from.country;
  if (into.type == InstitutionType::kUnknown) into.type = from.type;
  if (!into.geocoded() && from.geocoded()) {
    into.lat = from.lat;
    into.lng = from.lng;
  }
  into.active = into.active && from.active;
  for (auto id : from.ror_parents) AddUnique(into.ror_parents, id);
  for (auto id : from.ror_children) AddUnique(into.ror_children, id);
  for (auto id : from.ror_related) AddUnique(into.ror_related, id);
  for (auto id : from.openalex_parents) AddUnique(into.openalex_parents, id);
  for (auto id : from.openalex_children) AddUnique(into.openalex_children, id);
  if (into.lineage.empty()) into.lineage = std::move(from.lineage);
}

}  // namespace

Status Registry::Load(const std::string& path, RejectLog* rejects) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    // A folder of entity files (an OpenAlex institutions/ snapshot folder).
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
      std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name != "manifest" && name != "manifest.json" &&
          (name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".gz") || name.ends_with(".zst") ||
           name.ends_with(".zip") || name.starts_with("part_")))
        files.push_back(entry.path().string());
    }
    if (ec) return Status(ErrorCode::kIo, fmt::format("cannot list {}: {}", path, ec.message()));
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status(ErrorCode::kNotFound, fmt::format("registry folder {} holds no JSON file", path));
    for (const std::string& file : files) {
      Status st = Load(file, rejects);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }
  Limits limits;
  limits.max_record_bytes = size_t{4} << 30;  // a registry dump is one JSON document
  std::vector<Reject> local;
  JsonRecordReader reader(limits, &local);
  RegistryLoadStats stats;
  stats.file = path;
  // One format per file, told by its first record: a ROR record's "id" is a
  // ROR URL; an OpenAlex entity's is "https://openalex.org/I…".
  enum class Kind { kUnknown, kRor, kOpenAlex } kind = Kind::kUnknown;
  RegistryEntry pending;  // parsed, merged once the reader accepts the record
  RecordFn fn = [&](object& obj, const RecordPos&) -> Status {
    if (kind == Kind::kUnknown) {
      std::string_view raw;
      if (obj.raw_json().get(raw) || obj.reset().error()) return Status(ErrorCode::kParse, "unreadable record");
      bool ror_id = raw.find("\"id\":\"https://ror.org/") != std::string_view::npos ||
                    raw.find("\"id\": \"https://ror.org/") != std::string_view::npos;
      kind = !ror_id && raw.find("\"https://openalex.org/I") != std::string_view::npos ? Kind::kOpenAlex : Kind::kRor;
      stats.format = kind == Kind::kOpenAlex ? "openalex-institutions" : "ror-v2";
    }
    if (kind == Kind::kOpenAlex) {
      OpenAlexInstitution rec;
      Status st = rec.Parse(obj);
      if (!st.ok()) return st;
      pending = std::move(rec.entry);
    } else {
      RorRecord rec;
      Status st = rec.Parse(obj);
      if (!st.ok()) return st;
      pending = std::move(rec.entry);
    }
    return Status::Ok();
  };
  reader.set_on_accept([&](const RecordPos&) {
    OpenAlexId id = pending.openalex;
    RorId ror = pending.ror;
    MergeEntry(Upsert(id, ror), std::move(pending));
  });
  ReadCounts counts;
  Status st = reader.ReadFile(path, fn, &counts);
  if (!st.ok()) return st;
  stats.records = counts.records - counts.rejected;
  stats.rejected = counts.rejected;
  for (auto& r : local) rejects->Add(std::move(r));
  if (stats.records == 0)
    return Status(ErrorCode::kParse, fmt::format("{} holds no ROR record and no OpenAlex institution ({} rejected)",
                                                 path, counts.rejected));
  loads_.push_back(stats);
  names_indexed_ = false;  // the name index is rebuilt on the next look-up
  return Status::Ok();
}

void Registry::Index(size_t index) const {
  const RegistryEntry& e = entries_[index];
  auto add = [&](const std::string& name) {
    std::string key = NormalizeName(name);
    if (key.empty()) return;
    auto range = by_name_.equal_range(key);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second == index) return;
    by_name_.emplace(std::move(key), index);
  };
  add(e.name);
  for (const auto& a : e.aliases) add(a);
}

const RegistryEntry* Registry::FindOpenAlex(OpenAlexId id) const {
  uint32_t at = by_openalex_.Find(id);
  return at == IdIndex::kNone ? nullptr : &entries_[at];
}

const RegistryEntry* Registry::FindRor(RorId id) const {
  uint32_t at = by_ror_.Find(id);
  return at == IdIndex::kNone ? nullptr : &entries_[at];
}

const RegistryEntry* Registry::Find(OpenAlexId id, RorId ror) const {
  const RegistryEntry* e = id != 0 ? FindOpenAlex(id) : nullptr;
  if (e == nullptr && ror != 0) e = FindRor(ror);
  return e;
}

std::vector<const RegistryEntry*> Registry::FindByName(std::string_view name) const {
  {
    // Built on first use: most runs name their organisation by id.
    std::lock_guard lock(names_mu_);
    if (!names_indexed_) {
      by_name_.clear();
      for (size_t i = 0; i < entries_.size(); ++i) Index(i);
      names_indexed_ = true;
    }
  }
  std::vector<const RegistryEntry*> out;
  auto range = by_name_.equal_range(NormalizeName(name));
  for (auto it = range.first; it != range.second; ++it) out.push_back(&entries_[it->second]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace coopscope
