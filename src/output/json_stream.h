// DumpJsonInChunks: the text of a JSON value, handed over in bounded chunks
// instead of one string, for the JSON report written at the end of a run.
//
// The report of a run with many names holds every histogram bucket, about
// 75 bytes of indented text each: 1,000 names in the opened model after
// 60 s at 10,000 events/s make a report of ~100 MB, which json.dump() would
// build in one std::string (up to twice that with its growth) next to the
// JSON tree. Chunks keep the text to kChunkBytes at a time.
//
// The text is exactly json.dump(indent, ' ', false,
// nlohmann::json::error_handler_t::replace) + "\n": invalid UTF-8 (a name a
// CUT made may hold any byte) is replaced, the report stays valid JSON.
// Pure; reader process, at the end of the run.
#ifndef PYLOGEN_OUTPUT_JSON_STREAM_H_
#define PYLOGEN_OUTPUT_JSON_STREAM_H_

#include <cstddef>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace pylogen::output {

inline constexpr std::size_t kChunkBytes = std::size_t{64} << 10;

// Calls write(chunk) with consecutive chunks of at most kChunkBytes whose
// concatenation is the text above.
void DumpJsonInChunks(const nlohmann::json& json, int indent,
                      const std::function<void(std::string_view)>& write);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_JSON_STREAM_H_
