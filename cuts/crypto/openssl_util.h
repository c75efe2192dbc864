// Owners of OpenSSL objects and the text of OpenSSL's error queue, shared by
// the crypto sample CUTs (Encrypt, Sign, KmsEncrytSymmetric).
//
// Each pointer type is the single, move-only owner of one OpenSSL object and
// frees it with the matching *_free function. OpenSSL's error queue is per
// thread; a CUT instance runs on one thread, so OpenSslError() reads the
// errors of the call that just failed.
#ifndef PYLOGEN_CUTS_CRYPTO_OPENSSL_UTIL_H_
#define PYLOGEN_CUTS_CRYPTO_OPENSSL_UTIL_H_

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace pylogen::cuts::crypto {

// rc of a request whose OpenSSL call failed; the error text says which.
inline constexpr int kRcCryptoFailed = 1;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct MdFree {
  void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};

using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MdPtr = std::unique_ptr<EVP_MD, MdFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

// Drains this thread's OpenSSL error queue into one line
// ("error:...:reason; error:...") or "no OpenSSL error reported" when empty.
std::string OpenSslError();

// The reason of the most recent queued error alone ("bad decrypt"), and the
// queue cleared: short enough for a request's 47-byte error text.
std::string OpenSslReason();

// "what: <OpenSslError()>" as a std::runtime_error, for setup-time failures.
[[noreturn]] void ThrowOpenSslError(std::string_view what);

}  // namespace pylogen::cuts::crypto

#endif  // PYLOGEN_CUTS_CRYPTO_OPENSSL_UTIL_H_
