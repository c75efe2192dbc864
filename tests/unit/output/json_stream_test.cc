#include "output/json_stream.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pylogen::output {
namespace {

using Json = nlohmann::json;

std::vector<std::string> Chunks(const Json& json, int indent) {
  std::vector<std::string> chunks;
  DumpJsonInChunks(json, indent, [&](std::string_view chunk) { chunks.emplace_back(chunk); });
  return chunks;
}

std::string Joined(const std::vector<std::string>& chunks) {
  std::string text;
  for (const std::string& chunk : chunks) text += chunk;
  return text;
}

TEST(DumpJsonInChunks, SameTextAsDumpInBoundedChunks) {
  // A report-like tree several chunks long: histogram buckets.
  Json buckets = Json::array();
  for (int i = 0; i < 20'000; ++i) buckets.push_back(Json::array({i, i * 7}));
  const Json json = {{"names", {{{"name", "web.Dummy.0.Dummy.R_0"}, {"buckets", buckets}}}},
                     {"schema", 1}};
  for (const int indent : {2, -1}) {
    const std::vector<std::string> chunks = Chunks(json, indent);
    EXPECT_GT(chunks.size(), 2u) << indent;
    for (const std::string& chunk : chunks) EXPECT_LE(chunk.size(), kChunkBytes);
    EXPECT_EQ(Joined(chunks), json.dump(indent) + "\n") << indent;
  }
}

TEST(DumpJsonInChunks, ReplacesInvalidUtf8AsTheReportDid) {
  const Json json = {{"name", std::string("bad \xff byte")}};
  const std::string text = Joined(Chunks(json, 2));
  EXPECT_EQ(text, json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
  EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

TEST(DumpJsonInChunks, SmallValueIsOneChunk) {
  EXPECT_EQ(Chunks(Json::object(), 2), std::vector<std::string>{"{}\n"});
}

}  // namespace
}  // namespace pylogen::output
