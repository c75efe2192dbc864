// Echoing user input back in an error message: a bad line or argument may be
// a megabyte long, and a message must stay one readable line. Pure functions,
// any process.
#ifndef PYLOGEN_UTIL_EXCERPT_H_
#define PYLOGEN_UTIL_EXCERPT_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace pylogen::util {

// Longest excerpt of an input echoed in a message, in bytes, before "...".
inline constexpr std::size_t kMaxExcerptBytes = 80;

// `text` when it fits in `max_bytes`, else its first bytes (never cutting a
// UTF-8 sequence in two) followed by "..." and the full size, e.g.
// "aaaa... (1000146 bytes)". Control characters (newlines, tabs, escape
// sequences) become '?' so that the message stays one line.
std::string Excerpt(std::string_view text, std::size_t max_bytes = kMaxExcerptBytes);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_EXCERPT_H_
