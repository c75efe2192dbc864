// The error breakdown: ordering, the bound, other, merge, JSON, no
// allocation after warm-up.
#include "stats/error_breakdown.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/allocation_counter.h"

namespace pylogen::stats {
namespace {

using Pair = std::tuple<int, std::string, std::uint64_t>;

std::vector<Pair> Pairs(const ErrorBreakdown& b) {
  std::vector<Pair> pairs;
  for (const auto& e : b.Sorted()) pairs.emplace_back(e.rc, std::string(e.text()), e.count);
  return pairs;
}

TEST(ErrorBreakdown, CountsPairsTheMostFrequentFirst) {
  ErrorBreakdown b;
  EXPECT_TRUE(b.empty());
  b.Add(7, "Couldn't connect to server");
  b.Add(1, "boom");
  b.Add(7, "Couldn't connect to server");
  b.Add(7, "other text");  // same rc, another message: another pair
  b.Add(2, "boom");        // same message, another rc: another pair
  b.Add(7, "Couldn't connect to server");
  b.Add(2, "boom");
  EXPECT_EQ(b.total(), 7u);
  EXPECT_EQ(b.other(), 0u);
  EXPECT_EQ(Pairs(b), (std::vector<Pair>{{7, "Couldn't connect to server", 3},
                                         {2, "boom", 2},
                                         {1, "boom", 1},  // ties: in the order first seen
                                         {7, "other text", 1}}));
}

TEST(ErrorBreakdown, TiesStayInTheOrderFirstSeenAndDoNotMakeBreakdownsDiffer) {
  ErrorBreakdown x, y;
  for (int i = 1; i <= 12; ++i) x.Add(1, fmt::format("call {}", i));
  for (int i = 12; i >= 1; --i) y.Add(1, fmt::format("call {}", i));
  EXPECT_EQ(std::get<1>(Pairs(x)[0]), "call 1");
  EXPECT_EQ(std::get<1>(Pairs(x)[1]), "call 2");  // not "call 10"
  EXPECT_EQ(std::get<1>(Pairs(y)[0]), "call 12");
  EXPECT_EQ(x, y);
  y.Add(1, "call 5");
  EXPECT_FALSE(x == y);
}

TEST(ErrorBreakdown, TruncatesMessagesAsRecordsDo) {
  ErrorBreakdown b;
  std::string long_text(200, 'x');
  b.Add(1, long_text);
  b.Add(1, long_text.substr(0, ErrorBreakdown::kMessageCapacity - 1));  // equal once truncated
  ASSERT_EQ(b.pairs(), 1u);
  EXPECT_EQ(b.Sorted()[0].text(), long_text.substr(0, ErrorBreakdown::kMessageCapacity - 1));
  EXPECT_EQ(b.Sorted()[0].count, 2u);
}

TEST(ErrorBreakdown, AFloodOfDistinctMessagesIsBoundedAndCountedAsOther) {
  ErrorBreakdown b;
  for (int i = 1; i <= 1000; ++i) b.Add(1, fmt::format("Dummy error on call {}", i));
  EXPECT_EQ(b.pairs(), ErrorBreakdown::kMaxPairs);
  EXPECT_EQ(b.other(), 1000u - ErrorBreakdown::kMaxPairs);
  EXPECT_EQ(b.total(), 1000u);
  // The kept pairs are the first ones seen; they still count.
  b.Add(1, "Dummy error on call 3");
  EXPECT_EQ(Pairs(b)[0], (Pair{1, "Dummy error on call 3", 2}));
  EXPECT_EQ(b.other(), 1000u - ErrorBreakdown::kMaxPairs);
}

TEST(ErrorBreakdown, AllocatesOnlyOnItsFirstRecord) {
  ErrorBreakdown b;
  std::vector<std::string> texts;
  for (int i = 0; i < 100; ++i) texts.push_back(fmt::format("message {}", i));
  b.Add(1, texts[0]);  // the warm-up
  testing::AllocationCounter::Start();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i) b.Add(i % 5, texts[i]);  // new pairs, kept pairs, other
  }
  EXPECT_EQ(testing::AllocationCounter::Stop(), 0u);
  EXPECT_EQ(b.total(), 301u);
}

TEST(ErrorBreakdown, MergeSumsPairsAndKeepsTheMostFrequentOfTheUnion) {
  ErrorBreakdown a, b;
  a.AddN(7, "refused", 3);
  a.AddN(1, "rare", 1);
  a.AddOther(4);
  b.AddN(7, "refused", 2);
  b.AddN(28, "timeout", 5);
  a.Merge(b);
  EXPECT_EQ(Pairs(a), (std::vector<Pair>{{7, "refused", 5}, {28, "timeout", 5}, {1, "rare", 1}}));
  EXPECT_EQ(a.other(), 4u);
  EXPECT_EQ(a.total(), 15u);

  // Over the bound: the least frequent of the union go to other.
  ErrorBreakdown full, more;
  for (std::size_t i = 0; i < ErrorBreakdown::kMaxPairs; ++i)
    full.AddN(1, fmt::format("a{}", i), 1);
  more.AddN(2, "frequent", 10);
  full.Merge(more);
  EXPECT_EQ(full.pairs(), ErrorBreakdown::kMaxPairs);
  EXPECT_EQ(Pairs(full)[0], (Pair{2, "frequent", 10}));
  EXPECT_EQ(full.other(), 1u);
  EXPECT_EQ(full.total(), ErrorBreakdown::kMaxPairs + 10);
}

TEST(ErrorBreakdown, JsonRoundTrip) {
  ErrorBreakdown b;
  b.AddN(7, "Couldn't connect to server", 3);
  b.AddN(-1, "negative \"rc\"\n", 1);
  b.AddOther(2);
  nlohmann::json j = b.ToJson();
  EXPECT_EQ(j["errors_by"][0],
            (nlohmann::json{{"rc", 7}, {"message", "Couldn't connect to server"}, {"count", 3}}));
  EXPECT_EQ(j["errors_other"], 2);
  auto back = ErrorBreakdown::FromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, b);
  EXPECT_EQ(Pairs(*back), Pairs(b));
  auto empty = ErrorBreakdown::FromJson(ErrorBreakdown().ToJson());
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_TRUE(empty->empty());
  EXPECT_FALSE(*empty == b);
}

TEST(ErrorBreakdown, FromJsonNamesTheFaultyKey) {
  struct Case {
    const char* json;
    const char* error;
  };
  const Case cases[] = {
      {R"({"errors_other":0})", "errors_by: expected a list of {rc, message, count}, got nothing"},
      {R"({"errors_by":{},"errors_other":0})", "errors_by: expected a list"},
      {R"({"errors_by":[]})", "errors_other: expected an unsigned integer, got nothing"},
      {R"({"errors_by":[],"errors_other":-1})",
       "errors_other: expected an unsigned integer, got -1"},
      {R"({"errors_by":[3],"errors_other":0})", "errors_by[0]: expected an object"},
      {R"({"errors_by":[{"message":"m","count":1}],"errors_other":0})",
       "errors_by[0].rc: expected an integer"},
      {R"({"errors_by":[{"rc":4294967296,"message":"m","count":1}],"errors_other":0})",
       "errors_by[0].rc: expected an integer of 32 bits, got 4294967296"},
      {R"({"errors_by":[{"rc":1,"message":2,"count":1}],"errors_other":0})",
       "errors_by[0].message: expected a string"},
      {R"({"errors_by":[{"rc":1,"message":"m","count":0}],"errors_other":0})",
       "errors_by[0].count: expected a positive integer, got 0"},
      {R"({"errors_by":[{"rc":1,"message":"m","count":1},{"rc":1,"message":"m","count":2}],"errors_other":0})",
       "errors_by[1]: rc 1 and message \"m\" listed twice"},
  };
  for (const Case& c : cases) {
    auto b = ErrorBreakdown::FromJson(nlohmann::json::parse(c.json));
    ASSERT_FALSE(b) << c.json;
    EXPECT_NE(b.error().find(c.error), std::string::npos) << c.json << " -> " << b.error();
  }
  nlohmann::json long_message = {
      {"errors_by", {{{"rc", 1}, {"message", std::string(48, 'x')}, {"count", 1}}}},
      {"errors_other", 0}};
  auto b = ErrorBreakdown::FromJson(long_message);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("errors_by[0].message: expected a string of at most 47 bytes"),
            std::string::npos)
      << b.error();
  nlohmann::json many = {{"errors_by", nlohmann::json::array()}, {"errors_other", 0}};
  for (int i = 0; i < 17; ++i)
    many["errors_by"].push_back({{"rc", i}, {"message", "m"}, {"count", 1}});
  b = ErrorBreakdown::FromJson(many);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("errors_by: 17 pairs, expected at most 16"), std::string::npos)
      << b.error();
}

}  // namespace
}  // namespace pylogen::stats
