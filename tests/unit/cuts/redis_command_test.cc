// The Redis CUT's command building: {n} and {payload} replaced, argv pointing into the
// template's own buffers, and RESP sizes checked against hiredis' formatter;
// and the sizes of parsed replies checked against the bytes they came from.
#include "redis/redis_command.h"

#include <gtest/gtest.h>
#include <hiredis.h>

#include <string>
#include <vector>

#include "redis/redis_reply.h"

namespace pylogen::cuts {
namespace {

// What hiredis puts on the wire for the words as last built.
std::string Wire(CommandTemplate& c) {
  char* formatted = nullptr;
  int size = redisFormatCommandArgv(&formatted, c.argc(), c.argv(), c.argvlen());
  std::string wire(formatted, static_cast<std::size_t>(size));
  redisFreeCommand(formatted);
  return wire;
}

std::vector<std::string> Words(const CommandTemplate& c) {
  std::vector<std::string> words;
  for (int i = 0; i < c.argc(); ++i) words.emplace_back(c.word(static_cast<std::size_t>(i)));
  return words;
}

TEST(RedisCommand, CountAndPayloadAreReplacedInEveryWord) {
  CommandTemplate c({"SET", "k:{n}", "{payload}", "{n}-{n}", "a{payload}b", "", "{x}"});
  EXPECT_TRUE(c.uses_payload());
  std::uint64_t bytes = c.Build(42, 3);
  EXPECT_EQ(Words(c),
            (std::vector<std::string>{"SET", "k:42", "xxx", "42-42", "axxxb", "", "{x}"}));
  EXPECT_EQ(bytes, Wire(c).size());
  bytes = c.Build(7, 0);
  EXPECT_EQ(Words(c), (std::vector<std::string>{"SET", "k:7", "", "7-7", "ab", "", "{x}"}));
  EXPECT_EQ(bytes, Wire(c).size());
}

TEST(RedisCommand, PingIsFourteenBytesAndUsesNoPayload) {
  CommandTemplate c({"PING"});
  EXPECT_FALSE(c.uses_payload());
  EXPECT_EQ(c.Build(1, 0), 14u);  // "*1\r\n$4\r\nPING\r\n"
  EXPECT_EQ(Wire(c), "*1\r\n$4\r\nPING\r\n");
}

TEST(RedisCommand, APayloadIsAPrefixOfOneFillerAndLiteralsAreNotCopied) {
  CommandTemplate c({"SET", "{payload}", "{payload}"});
  c.Build(1, 384);
  const char* filler = c.argv()[1];
  EXPECT_EQ(c.argv()[2], filler);  // the same bytes, not a copy per word
  const char* literal = c.argv()[0];
  c.Build(2, 16);
  EXPECT_EQ(c.argv()[1], filler) << "a shorter length reuses the filler";
  EXPECT_EQ(c.argvlen()[1], 16u);
  EXPECT_EQ(c.argv()[0], literal);
  std::uint64_t bytes = c.Build(3, 10'000);  // the filler grows
  EXPECT_EQ(bytes, Wire(c).size());
  EXPECT_EQ(c.argvlen()[2], 10'000u);
}

TEST(RedisCommand, RespSizesCountTheDigitsOfEachLength) {
  const std::size_t lengths[] = {0, 9, 10, 100};
  // *4\r\n (4) + $0\r\n\r\n (6) + $9\r\n...\r\n (15) + $10\r\n (17) + $100\r\n (108)
  EXPECT_EQ(RespCommandBytes(4, lengths), 4u + 6u + 15u + 17u + 108u);
}

// Parses `wire` with hiredis' reader and returns ReplyBytes of the reply.
std::uint64_t SizeOf(const std::string& wire) {
  redisReader* reader = redisReaderCreate();
  redisReaderFeed(reader, wire.data(), wire.size());
  void* reply = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader, &reply), REDIS_OK) << wire;
  EXPECT_NE(reply, nullptr) << wire;
  std::uint64_t size = reply == nullptr ? 0 : ReplyBytes(*static_cast<redisReply*>(reply));
  if (reply != nullptr) freeReplyObject(reply);
  redisReaderFree(reader);
  return size;
}

TEST(RedisReply, TheSizeIsThatOfTheBytesParsed) {
  const std::string replies[] = {
      "+PONG\r\n",
      "+OK\r\n",
      "-ERR value is not an integer or out of range\r\n",
      ":0\r\n",
      ":-12345\r\n",
      ":9223372036854775807\r\n",
      ":-9223372036854775808\r\n",
      "$3\r\nabc\r\n",
      "$0\r\n\r\n",
      "$-1\r\n",
      "*-1\r\n",
      "*0\r\n",
      "*3\r\n$1\r\na\r\n:10\r\n*2\r\n+x\r\n$-1\r\n",
      "$12\r\nhello\r\nworld\r\n",
  };
  for (const std::string& wire : replies) EXPECT_EQ(SizeOf(wire), wire.size()) << wire;
}

}  // namespace
}  // namespace pylogen::cuts
