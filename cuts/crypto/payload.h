// The bytes a crypto CUT operation works on: `length` random bytes, where
// `length` is the current --lengths token.
//
// Prepare() runs outside the timed region (from resetBeforeStep): it parses
// the token and, when a longer length than ever before comes, grows the
// buffer and fills the new part with random bytes. The buffer never shrinks,
// so once every length has been seen Prepare() allocates nothing.
//
// A token that is not a whole number of bytes in [0, kMaxPayloadBytes] is not
// silently read as 0: Prepare() returns false and error() says why, and the
// CUT fails its request with kRcBadLength.
//
// Threading: one instance per CUT instance, one thread.
#ifndef PYLOGEN_CUTS_CRYPTO_PAYLOAD_H_
#define PYLOGEN_CUTS_CRYPTO_PAYLOAD_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::cuts::crypto {

// rc of a request whose length token is not a byte count.
inline constexpr int kRcBadLength = 2;
// Upper bound of a length (64 MiB): a typo must not exhaust memory.
inline constexpr std::size_t kMaxPayloadBytes = std::size_t{64} << 20;

// The byte count of a --lengths token: decimal digits only, at most
// kMaxPayloadBytes; nullopt otherwise ("abc", "-1", "1e3", "").
std::optional<std::size_t> ParseByteCount(std::string_view token);

class Payload {
 public:
  // Makes bytes() the first ParseByteCount(token) random bytes. Returns false,
  // with error() set and bytes() empty, when the token is not a byte count.
  // Throws std::runtime_error if the random generator fails.
  bool Prepare(std::string_view token);

  std::span<const unsigned char> bytes() const { return {data_.data(), size_}; }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }

 private:
  void Grow(std::size_t size);

  std::vector<unsigned char> data_;
  std::size_t size_ = 0;
  bool ok_ = false;
  std::string error_ = "no length prepared";
};

}  // namespace pylogen::cuts::crypto

#endif  // PYLOGEN_CUTS_CRYPTO_PAYLOAD_H_
