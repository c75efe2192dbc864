#include "crypto/openssl_util.h"

#include <openssl/err.h>

#include <stdexcept>

namespace pylogen::cuts::crypto {

std::string OpenSslError() {
  std::string text;
  char buffer[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "no OpenSSL error reported" : text;
}

std::string OpenSslReason() {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  std::string text = reason != nullptr ? reason
                     : code != 0       ? "OpenSSL error"
                                       : "no OpenSSL error reported";
  ERR_clear_error();
  return text;
}

void ThrowOpenSslError(std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + OpenSslError());
}

}  // namespace pylogen::cuts::crypto
