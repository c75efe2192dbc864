// Redis: a sample event-driven CUT sending one Redis command per operation
// through hiredis; see redis/redis_cut.h and the README ("Sample CUTs") for
// its --extra keys and rc values.
#include "pylogen/cut.h"
#include "redis/redis_cut.h"

using pylogen::cuts::RedisCut;
PYLOGEN_REGISTER_CUT(RedisCut);
