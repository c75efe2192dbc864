#include "redis/redis_reply.h"

namespace pylogen::cuts {
namespace {

// Characters of `value` in decimal, its sign included.
std::uint64_t DecimalWidth(long long value) {
  std::uint64_t width = value < 0 ? 2 : 1;
  unsigned long long magnitude = value < 0 ? 0ULL - static_cast<unsigned long long>(value)
                                           : static_cast<unsigned long long>(value);
  while (magnitude >= 10) {
    magnitude /= 10;
    ++width;
  }
  return width;
}

}  // namespace

std::uint64_t ReplyBytes(const redisReply& reply) {
  constexpr std::uint64_t kFrame = 3;  // the type byte and "\r\n"
  switch (reply.type) {
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      return kFrame + reply.len;
    case REDIS_REPLY_INTEGER:
      return kFrame + DecimalWidth(reply.integer);
    case REDIS_REPLY_STRING:
      return kFrame + DecimalWidth(static_cast<long long>(reply.len)) + reply.len + 2;
    case REDIS_REPLY_ARRAY: {
      std::uint64_t bytes = kFrame + DecimalWidth(static_cast<long long>(reply.elements));
      for (std::size_t i = 0; i < reply.elements; ++i) bytes += ReplyBytes(*reply.element[i]);
      return bytes;
    }
    default:  // REDIS_REPLY_NIL: "$-1\r\n" or "*-1\r\n"
      return 5;
  }
}

}  // namespace pylogen::cuts
