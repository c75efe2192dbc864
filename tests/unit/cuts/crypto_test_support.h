// Helpers of the crypto CUT tests (encrypt_test.cc, sign_test.cc): drive a
// CUT class as a runner does, write throw-away key files, and make keys with
// plain OpenSSL calls, independent of the code under test.
#ifndef PYLOGEN_TESTS_UNIT_CUTS_CRYPTO_TEST_SUPPORT_H_
#define PYLOGEN_TESTS_UNIT_CUTS_CRYPTO_TEST_SUPPORT_H_

#include <unistd.h>

#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "pylogen/cut.h"

namespace pylogen::cuts::crypto::test_support {

// The sample key file of the source tree (cuts/KmsDefault.json).
inline std::string SourceCutDir() { return PYLOGEN_CUT_SOURCE_DIR; }

// An entry of the sample key file, read without the code under test.
inline nlohmann::json SampleEntry(const std::string& key) {
  std::ifstream in(SourceCutDir() + "/KmsDefault.json");
  return nlohmann::json::parse(in).at(key);
}

// Binds `cut` as pylogen does before setup(): the CUT's folder is the
// source cuts/ folder, so that KmsDefault.json is found beside it.
inline void Bind(ClassUnderTest& cut, nlohmann::json extra, const std::string& cut_name) {
  Context context;
  context.id = "TEST";
  context.cut_name = cut_name;
  context.cut_dir = SourceCutDir();
  context.pid = static_cast<int>(getpid());
  cut.BindHost(std::move(context), std::move(extra));
}

// setup()'s exception message, or "" when it succeeded.
inline std::string SetupError(ClassUnderTest& cut) {
  try {
    cut.setup();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// One operation, hooks in a runner's order. `token` must outlive the call.
inline void RunOperation(ClassUnderTest& cut, std::string_view token) {
  cut.requests().Reset();
  cut.SetLength(0, token);
  cut.resetBeforeStep();
  cut.genDatas();
  cut.processDatas();
  cut.func();
}

// A key file in a fresh temporary folder, removed with the object.
class KeyFile {
 public:
  explicit KeyFile(const nlohmann::json& entries) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("pylogen-crypto-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir_);
    std::ofstream(path()) << entries.dump(2);
  }
  ~KeyFile() { std::filesystem::remove_all(dir_); }
  KeyFile(const KeyFile&) = delete;
  KeyFile& operator=(const KeyFile&) = delete;
  std::string path() const { return (dir_ / "keys.json").string(); }
  // --extra naming `key` in this file.
  nlohmann::json Extra(const std::string& key) const { return {{"file", path()}, {"key", key}}; }

 private:
  std::filesystem::path dir_;
};

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using TestPkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// A fresh RSA key of `bits` bits.
inline TestPkey NewRsaKey(unsigned int bits) {
  TestPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  if (!key) throw std::runtime_error("RSA keygen failed");
  return key;
}

// A fresh EC key on `curve` ("P-256", "P-384").
inline TestPkey NewEcKey(const char* curve) {
  TestPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
  if (!key) throw std::runtime_error("EC keygen failed");
  return key;
}

// PKCS#8 PEM of `key`; encrypted with AES-256-CBC under `passphrase` if set.
inline std::string PemOf(EVP_PKEY* key, const std::string& passphrase = "") {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  auto* pass = reinterpret_cast<const unsigned char*>(passphrase.data());
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, cipher, reinterpret_cast<const char*>(pass),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM_write_bio_PKCS8PrivateKey failed");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// The public half of a private key in PEM, as a verifier would hold it.
inline TestPkey PublicKeyOf(const std::string& private_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(
      BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())), &BIO_free);
  TestPkey full(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  if (!full) throw std::runtime_error("test PEM does not parse");
  unsigned char* der = nullptr;
  int size = i2d_PUBKEY(full.get(), &der);
  if (size <= 0) throw std::runtime_error("i2d_PUBKEY failed");
  const unsigned char* cursor = der;
  TestPkey pub(d2i_PUBKEY(nullptr, &cursor, size));
  OPENSSL_free(der);
  if (!pub) throw std::runtime_error("d2i_PUBKEY failed");
  return pub;
}

inline std::vector<unsigned char> FromHex(const std::string& hex) {
  std::vector<unsigned char> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace pylogen::cuts::crypto::test_support

#endif  // PYLOGEN_TESTS_UNIT_CUTS_CRYPTO_TEST_SUPPORT_H_
