#include "model/country_names.h"

#include <simdjson.h>

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unordered_map>

namespace coopscope {
namespace {

std::string ReadWhole(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A gettext .mo catalogue: original → translation.  The format: a header of
// u32 (magic, revision, count, offset of originals, offset of translations),
// then (length, offset) pairs for each table.  Returns an empty map when the
// file is absent or malformed.
std::unordered_map<std::string, std::string> ReadMo(const char* path) {
  std::unordered_map<std::string, std::string> out;
  const std::string data = ReadWhole(path);
  auto u32 = [&](size_t at, bool swap) -> uint64_t {
    if (at + 4 > data.size()) return UINT64_MAX;
    uint32_t v;
    std::memcpy(&v, data.data() + at, 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  if (data.size() < 20) return out;
  bool swap = false;
  if (u32(0, false) != 0x950412de) {
    if (u32(0, true) != 0x950412de) return out;
    swap = true;
  }
  const uint64_t n = u32(8, swap), originals = u32(12, swap), translations = u32(16, swap);
  auto text = [&](uint64_t table, uint64_t i, std::string* s) {
    uint64_t len = u32(table + 8 * i, swap), off = u32(table + 8 * i + 4, swap);
    if (len == UINT64_MAX || off == UINT64_MAX || off + len > data.size()) return false;
    s->assign(data.data() + off, len);
    return true;
  };
  for (uint64_t i = 0; i < n; ++i) {
    std::string from, to;
    if (!text(originals, i, &from) || !text(translations, i, &to)) return {};
    if (!from.empty() && !to.empty()) out.emplace(std::move(from), std::move(to));
  }
  return out;
}

struct Names {
  std::array<std::string, kCountrySlots> en, fr;
};

const Names& LoadNames() {
  static Names names;
  static std::once_flag once;
  std::call_once(once, [] {
    simdjson::padded_string json;
    if (simdjson::padded_string::load(kIsoCodesJson).get(json) != simdjson::SUCCESS) return;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json).get(doc) != simdjson::SUCCESS) return;
    simdjson::dom::array list;
    if (doc["3166-1"].get_array().get(list) != simdjson::SUCCESS) return;
    const auto french = ReadMo(kIsoCodesFrenchMo);
    for (simdjson::dom::element e : list) {
      std::string_view alpha2, name, common;
      if (e["alpha_2"].get_string().get(alpha2) != simdjson::SUCCESS) continue;
      if (e["name"].get_string().get(name) != simdjson::SUCCESS) continue;
      CountryCode code = MakeCountry(alpha2);
      if (code == kNoCountry) continue;
      // iso-codes translates "name" (and "common_name" where one exists).
      const bool has_common = e["common_name"].get_string().get(common) == simdjson::SUCCESS;
      std::string en(has_common ? common : name);
      std::string fr = en;
      if (auto it = french.find(en); it != french.end()) {
        fr = it->second;
      } else if (auto it2 = french.find(std::string(name)); it2 != french.end()) {
        fr = it2->second;
      }
      names.en[CountryIndex(code)] = std::move(en);
      names.fr[CountryIndex(code)] = std::move(fr);
    }
  });
  return names;
}

}  // namespace

bool ParseLang(std::string_view text, Lang* lang) {
  if (text.size() != 2) return false;
  char a = static_cast<char>(text[0] | 0x20), b = static_cast<char>(text[1] | 0x20);
  if (a == 'e' && b == 'n') {
    *lang = Lang::kEn;
    return true;
  }
  if (a == 'f' && b == 'r') {
    *lang = Lang::kFr;
    return true;
  }
  return false;
}

std::string LocalCountryName(CountryCode code, Lang lang) {
  if (code == kNoCountry) return lang == Lang::kFr ? "pays inconnu" : "unknown country";
  const Names& names = LoadNames();
  const std::string& name = lang == Lang::kFr ? names.fr[CountryIndex(code)] : names.en[CountryIndex(code)];
  return name.empty() ? CountryName(code) : name;
}

}  // namespace coopscope
