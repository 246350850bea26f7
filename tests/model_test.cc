// Ids, country codes and timestamps (src/model).
#include <gtest/gtest.h>

#include "model/country.h"
#include "model/ids.h"
#include "model/work.h"

namespace coopscope {
namespace {

TEST(Ids, OpenAlexIdsInEveryForm) {
  EXPECT_EQ(ParseOpenAlexId("https://openalex.org/I1294671590", 'I'), 1294671590u);
  EXPECT_EQ(ParseOpenAlexId("I1294671590", 'I'), 1294671590u);
  EXPECT_EQ(ParseOpenAlexId("https://openalex.org/W4400000000", 'W'), 4400000000u);
  EXPECT_EQ(ParseOpenAlexId("https://openalex.org/A12", 'W'), 0u);  // wrong entity
  EXPECT_EQ(ParseOpenAlexId("I12x", 'I'), 0u);
  EXPECT_EQ(FormatOpenAlexId(1294671590, 'I'), "I1294671590");
}

// primary_topic.field.id (docs/indicators.md, "Inputs of one work").
TEST(Ids, FieldIdsOrZero) {
  EXPECT_EQ(ParseFieldId("https://openalex.org/fields/17"), 17);
  EXPECT_EQ(ParseFieldId("fields/36"), 36);
  EXPECT_EQ(ParseFieldId("https://openalex.org/fields/65535"), 65535);
  for (const char* odd : {"", "https://openalex.org/fields/", "https://openalex.org/fields/65536",
                          "https://openalex.org/fields/17a", "https://openalex.org/subfields/1702", "17"})
    EXPECT_EQ(ParseFieldId(odd), 0) << odd;
}

TEST(Ids, RorIdsRoundTrip) {
  RorId cnrs = ParseRorId("https://ror.org/02feahw73");
  EXPECT_NE(cnrs, 0u);
  EXPECT_EQ(ParseRorId("02feahw73"), cnrs);
  EXPECT_EQ(FormatRorId(cnrs), "02feahw73");
  EXPECT_EQ(ParseRorId("02feahw7"), 0u);   // too short
  EXPECT_EQ(ParseRorId("02feahwi3"), 0u);  // 'i' is not Crockford base32
  // The prefix written twice, as a real OpenAlex work of ../shared/data states
  // Gauhati University's ROR id (openalex-works-openalexpro, W7104728135).
  EXPECT_EQ(ParseRorId("https://ror.org/https://ror.org/01ppj9r51"), ParseRorId("01ppj9r51"));
  EXPECT_NE(ParseRorId("01ppj9r51"), 0u);
  EXPECT_EQ(ParseRorId("https://ror.org/https://ror.org/"), 0u);
}

TEST(Country, PacksTwoLetters) {
  EXPECT_EQ(CountryName(MakeCountry("fr")), "FR");
  EXPECT_EQ(MakeCountry(""), kNoCountry);
  EXPECT_EQ(MakeCountry("F1"), kNoCountry);
  EXPECT_EQ(MakeCountry("FRA"), kNoCountry);
}

TEST(Timestamp, OpenAlexShapes) {
  int64_t day = ParseTimestampMicros("2023-05-16");
  EXPECT_EQ(day, 1684195200LL * 1000000);
  EXPECT_EQ(ParseTimestampMicros("2023-05-16T14:50:18.726146"), day + (14 * 3600 + 50 * 60 + 18) * 1000000LL + 726146);
  EXPECT_EQ(ParseTimestampMicros("2023-05-16T14:50:18Z"), day + (14 * 3600 + 50 * 60 + 18) * 1000000LL);
  EXPECT_LT(ParseTimestampMicros("2023-05-16T14:50:18.7"), ParseTimestampMicros("2023-05-16T14:50:18.726146"));
  EXPECT_EQ(ParseTimestampMicros("16/05/2023"), -1);
}

}  // namespace
}  // namespace coopscope
