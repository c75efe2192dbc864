// Payload (cuts/crypto/payload.h): the random bytes a crypto CUT works on,
// and how a --lengths token becomes a byte count.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/payload.h"

namespace pylogen::cuts::crypto {
namespace {

TEST(ParseByteCount, DecimalDigitsOnlyUpToTheLimit) {
  EXPECT_EQ(ParseByteCount("0"), 0u);
  EXPECT_EQ(ParseByteCount("384"), 384u);
  EXPECT_EQ(ParseByteCount("67108864"), kMaxLengthBytes);
  for (const char* bad : {"", "abc", "-1", "+5", "1e3", "12 ", " 12", "0x10", "67108865",
                          "99999999999999999999999"}) {
    EXPECT_FALSE(ParseByteCount(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(Payload, GrowsWithRandomBytesAndKeepsThem) {
  Payload payload;
  EXPECT_FALSE(payload.ok());
  ASSERT_TRUE(payload.Prepare("64"));
  std::vector<unsigned char> first(payload.bytes().begin(), payload.bytes().end());
  ASSERT_EQ(first.size(), 64u);
  EXPECT_NE(first, std::vector<unsigned char>(64, 0));
  ASSERT_TRUE(payload.Prepare("128"));
  ASSERT_EQ(payload.bytes().size(), 128u);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), payload.bytes().begin()))
      << "growing keeps the bytes already there";
  const unsigned char* storage = payload.bytes().data();
  ASSERT_TRUE(payload.Prepare("16"));
  EXPECT_EQ(payload.bytes().size(), 16u);
  EXPECT_EQ(payload.bytes().data(), storage) << "a shorter length reuses the buffer";
  ASSERT_TRUE(payload.Prepare("0"));
  EXPECT_TRUE(payload.bytes().empty());
  EXPECT_TRUE(payload.ok());
}

TEST(Payload, TokenThatIsNotAByteCountIsAnError) {
  Payload payload;
  ASSERT_TRUE(payload.Prepare("32"));
  EXPECT_FALSE(payload.Prepare("R1"));
  EXPECT_FALSE(payload.ok());
  EXPECT_TRUE(payload.bytes().empty());
  EXPECT_EQ(payload.error(), "length 'R1' is not a byte count (0..67108864)");
  EXPECT_TRUE(payload.Prepare("32"));
  EXPECT_TRUE(payload.ok());
}

TEST(Payload, ErrorFollowsTheBadTokenEvenWhenItIsEmptyOrComesBack) {
  Payload payload;
  EXPECT_FALSE(payload.Prepare(""));
  EXPECT_EQ(payload.error(), "length '' is not a byte count (0..67108864)");
  EXPECT_FALSE(payload.Prepare("a"));
  EXPECT_TRUE(payload.Prepare("1"));
  EXPECT_FALSE(payload.Prepare("a"));
  EXPECT_EQ(payload.error(), "length 'a' is not a byte count (0..67108864)");
}

}  // namespace
}  // namespace pylogen::cuts::crypto
