// The bytes a crypto CUT operation works on: `length` random bytes, where
// `length` is the current --lengths token.
//
// Prepare() runs outside the timed region (from resetBeforeStep): it parses
// the token and, when a longer length than ever before comes, grows the
// buffer and fills the new part with random bytes. The buffer never shrinks,
// so once every length has been seen Prepare() allocates nothing.
//
// A token that is not a whole number of bytes in [0, kMaxLengthBytes] is not
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

#include "common/byte_count.h"

namespace pylogen::cuts::crypto {

// rc of a request whose length token is not a byte count.
inline constexpr int kRcBadLength = 2;

class Payload {
 public:
  // Makes bytes() the first ParseByteCount(token) random bytes. Returns false,
  // with error() set and bytes() empty, when the token is not a byte count.
  // Throws std::runtime_error if the random generator fails.
  bool Prepare(std::string_view token);

  std::span<const unsigned char> bytes() const { return {data_.data(), size_}; }
  bool ok() const { return ok_; }
  // Allocates nothing while the same bad token comes back.
  const std::string& error() const { return error_; }

 private:
  void Grow(std::size_t size);

  std::vector<unsigned char> data_;
  std::size_t size_ = 0;
  bool ok_ = false;
  std::string error_ = "no length prepared";
  std::optional<std::string> bad_token_;  // the token error_ is about, if any
};

}  // namespace pylogen::cuts::crypto

#endif  // PYLOGEN_CUTS_CRYPTO_PAYLOAD_H_
