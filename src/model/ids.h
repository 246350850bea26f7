// Identifiers of the bibliographic world, packed into integers.
//
// OpenAlex ids ("https://openalex.org/I1294671590", "W2741809807") keep their
// number; ROR ids ("https://ror.org/02feahw73") are decoded from Crockford
// base32 into the low 40 bits.  All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace coopscope {

using OpenAlexId = uint64_t;  // the number after the letter; 0 = none
using RorId = uint64_t;       // base32-decoded 9-character ROR id; 0 = none

// Parses "https://openalex.org/W123", "openalex.org/W123", "W123" (also "w123")
// for the given entity letter; returns 0 when the text is not such an id.
OpenAlexId ParseOpenAlexId(std::string_view text, char letter);

// Parses "https://ror.org/02feahw73", "ror.org/02feahw73" or "02feahw73".
RorId ParseRorId(std::string_view text);

// Parses an OpenAlex field id, "https://openalex.org/fields/17" or "fields/17",
// into its number (1..65535); 0 when the text is not one.
uint16_t ParseFieldId(std::string_view text);

std::string FormatOpenAlexId(OpenAlexId id, char letter);  // "I1294671590"
std::string FormatRorId(RorId id);                         // "02feahw73"

}  // namespace coopscope
