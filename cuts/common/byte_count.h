// The size a sample CUT reads from a --lengths token (Http's length bodies,
// the crypto CUTs' payloads). Header-only, shared by the sample CUTs.
#ifndef PYLOGEN_CUTS_COMMON_BYTE_COUNT_H_
#define PYLOGEN_CUTS_COMMON_BYTE_COUNT_H_

#include <charconv>
#include <cstddef>
#include <optional>
#include <string_view>
#include <system_error>

namespace pylogen::cuts {

// Upper bound of a length (64 MiB): a typo must not exhaust memory.
inline constexpr std::size_t kMaxLengthBytes = std::size_t{64} << 20;

// The byte count of a --lengths token: decimal digits only, at most
// kMaxLengthBytes; nullopt otherwise ("abc", "-1", "1e3", "").
inline std::optional<std::size_t> ParseByteCount(std::string_view token) {
  std::size_t value = 0;
  const char* end = token.data() + token.size();
  auto parsed = std::from_chars(token.data(), end, value);
  if (token.empty() || parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  if (value > kMaxLengthBytes) return std::nullopt;
  return value;
}

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_COMMON_BYTE_COUNT_H_
