#include "match/common_words.h"

#include <cstdint>
#include <fstream>
#include <functional>
#include <future>
#include <optional>

#include "match/affiliation_text.h"

namespace coopscope {
namespace {

constexpr size_t kWordFilterBits = size_t{1} << 22;  // 512 KiB

bool IsPlainLowerAscii(std::string_view w) {
  for (char c : w)
    if (c < 'a' || c > 'z') return false;
  return !w.empty();
}

}  // namespace

std::vector<bool> MarkCommonWords(const std::vector<std::string_view>& words, size_t* lists_read,
                                  const std::string& dir) {
  std::unordered_map<std::string_view, size_t> wanted;
  wanted.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) wanted.emplace(words[i], i);
  // One bit per hash of a word wanted, a bit set small enough to stay in
  // cache: most entries of the lists are no word of a name and skip the map.
  std::vector<uint64_t> filter(kWordFilterBits / 64, 0);
  auto filter_bit = [](std::string_view w) { return std::hash<std::string_view>{}(w) & (kWordFilterBits - 1); };
  for (std::string_view w : words) filter[filter_bit(w) / 64] |= uint64_t{1} << (filter_bit(w) % 64);
  auto find = [&](std::string_view w) {
    const size_t bit = filter_bit(w);
    return (filter[bit / 64] >> (bit % 64)) & 1 ? wanted.find(w) : wanted.end();
  };
  // Per list (read in parallel, one task each): 1: a lower-case entry; 2: a
  // German capitalised entry; 4: an English capitalised entry (a proper noun).
  auto scan = [&](const WordList& list) -> std::optional<std::vector<uint8_t>> {
    std::ifstream in(dir + "/" + list.file);
    if (!in) return std::nullopt;
    std::vector<uint8_t> seen(words.size(), 0);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      bool capital = line[0] >= 'A' && line[0] <= 'Z';
      uint8_t flag = !capital ? 1 : list.capitalised_common ? 2 : list.names_proper ? 4 : 0;
      if (flag == 0) continue;
      if (!capital && IsPlainLowerAscii(line)) {  // most entries: already folded
        auto it = find(line);
        if (it != wanted.end()) seen[it->second] |= flag;
        continue;
      }
      // Accents, capitals, apostrophes: fold as names are folded.  A list
      // entry of several words ("l'eau") marks none of them.
      std::vector<std::string> folded = NameTokens(line);
      if (folded.size() != 1) continue;
      auto it = find(folded.front());
      if (it != wanted.end()) seen[it->second] |= flag;
    }
    return seen;
  };
  std::vector<std::future<std::optional<std::vector<uint8_t>>>> tasks;
  for (const WordList& list : kWordLists) tasks.push_back(std::async(std::launch::async, scan, std::cref(list)));
  std::vector<uint8_t> seen(words.size(), 0);
  size_t read = 0;
  for (auto& t : tasks) {
    std::optional<std::vector<uint8_t>> one = t.get();
    if (!one) continue;  // an absent list
    ++read;
    for (size_t i = 0; i < one->size(); ++i) seen[i] |= (*one)[i];
  }
  if (lists_read != nullptr) *lists_read = read;
  std::vector<bool> common(words.size(), false);
  for (size_t i = 0; i < words.size(); ++i) common[i] = (seen[i] & 1) || ((seen[i] & 2) && !(seen[i] & 4));
  return common;
}

}  // namespace coopscope
