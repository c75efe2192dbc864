// What the Redis CUT reads from a parsed reply (pure: no I/O): its size on
// the wire and its text for an error record.
//
// hiredis 0.14 hands its callbacks the parsed reply, not the bytes read, so
// the size is that of the reply's RESP2 encoding, rebuilt from the parsed
// tree (exact for RESP2, which is all hiredis 0.14 speaks: "+OK\r\n" is 5,
// "$3\r\nabc\r\n" 9, a nil "$-1\r\n" or "*-1\r\n" 5). It walks the tree once,
// allocation-free.
#ifndef PYLOGEN_CUTS_REDIS_REDIS_REPLY_H_
#define PYLOGEN_CUTS_REDIS_REDIS_REPLY_H_

#include <hiredis.h>

#include <cstdint>

namespace pylogen::cuts {

std::uint64_t ReplyBytes(const redisReply& reply);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_REDIS_REDIS_REPLY_H_
