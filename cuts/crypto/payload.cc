#include "crypto/payload.h"

#include <openssl/rand.h>

#include <stdexcept>

#include "crypto/openssl_util.h"

namespace pylogen::cuts::crypto {

bool Payload::Prepare(std::string_view token) {
  std::optional<std::size_t> size = ParseByteCount(token);
  ok_ = size.has_value();
  if (!ok_) {
    size_ = 0;
    if (bad_token_ == token) return false;  // error_ is already about it
    bad_token_.emplace(token);
    error_ = "length '" + std::string(token) + "' is not a byte count (0.." +
             std::to_string(kMaxLengthBytes) + ")";
    return false;
  }
  if (*size > data_.size()) Grow(*size);
  size_ = *size;
  return true;
}

void Payload::Grow(std::size_t size) {
  std::size_t old = data_.size();
  data_.resize(size);
  if (RAND_bytes(data_.data() + old, static_cast<int>(size - old)) != 1) {
    data_.resize(old);
    ThrowOpenSslError("RAND_bytes for the payload");
  }
}

}  // namespace pylogen::cuts::crypto
