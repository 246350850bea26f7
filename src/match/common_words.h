// Common words of English, French, German, Spanish, Italian, Portuguese and
// Dutch, read from Debian's word lists (/usr/share/dict, packages wamerican,
// wbritish, wfrench, wngerman, wspanish, witalian, wportuguese, wdutch).
//
// The matcher uses them to tell a name made of common words ("National
// Institute of Mental Health", "Open University": carried by organisations
// in many countries, even if the registry holds one) from a name with a
// proper noun ("University of Hong Kong", "Johannes Gutenberg University").
// Entries written with a capital are proper nouns in every list but German,
// where nouns are capitalised too: there a capitalised entry counts unless
// the English lists hold it with a capital as well ("Goethe", "Harvard").
//
// Only the words a caller asks about are kept, so the lists cost no memory.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace coopscope {

inline constexpr const char* kWordListDir = "/usr/share/dict";

struct WordList {
  const char* file;         // in kWordListDir
  bool capitalised_common;  // capitalised entries are common words too (German nouns)
  bool names_proper;        // its capitalised entries are proper nouns (English)
};
inline constexpr WordList kWordLists[] = {
    {"american-english", false, true}, {"british-english", false, true}, {"french", false, false},
    {"ngerman", true, false},          {"spanish", false, false},        {"italian", false, false},
    {"portuguese", false, false},      {"dutch", false, false}};

// For each of `words` (folded as NameTokens folds them), whether a word list
// holds it.  Lists that are absent are skipped; `lists_read` says how many
// were read.
std::vector<bool> MarkCommonWords(const std::vector<std::string_view>& words, size_t* lists_read = nullptr,
                                  const std::string& dir = kWordListDir);

}  // namespace coopscope
