// Key parameters of the crypto sample CUTs: entries of a key file
// (KmsDefault.json) turned into keys, validated against their algorithm.
//
// An entry names a Cloud KMS algorithm (CryptoKeyVersionAlgorithm) and holds
// the material a local stand-in needs to do the same work:
//
//   "symmetric1":  {"algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION",
//                   "material": "<64 hex digits: the AES-256 key>",
//                   "aad": "optional additional authenticated data"}
//   "asymmetric1": {"algorithm": "EC_SIGN_P384_SHA384",
//                   "private_key_pem": "-----BEGIN PRIVATE KEY-----\n..."}
//
// Any other field (e.g. "kms_key", the resource name a real KMS CUT would
// call) is ignored. Every Parse* function runs in setup(), once per process;
// it throws std::invalid_argument whose message starts with "key 'NAME'" and
// says what was expected, so that pylogen reports it at startup.
#ifndef PYLOGEN_CUTS_CRYPTO_KEY_MATERIAL_H_
#define PYLOGEN_CUTS_CRYPTO_KEY_MATERIAL_H_

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/openssl_util.h"
#include "pylogen/cut.h"

namespace pylogen::cuts::crypto {

inline constexpr std::string_view kSymmetricAlgorithm = "GOOGLE_SYMMETRIC_ENCRYPTION";
inline constexpr std::size_t kAes256KeyBytes = 32;

// The entry --extra names ({"file": ..., "key": ...}, the convention of
// pylogen/key_params.h) and its name. "file" defaults to KmsDefault.json; a
// relative one is looked up in the current directory, then beside the CUT.
// The key file is read by the SDK's LoadKeyParams (pylogen/key_params.h): a regular
// file of at most 16 MiB, never waited on. Any other --extra key is refused
// first ("extra.kye: unknown key (did you mean key?); known keys: file, key").
// Throws std::invalid_argument naming the key and what is wrong: "extra.file:
// '' is not a file", "extra.file: '/tmp' is a directory", "extra.file:
// 'k.json' not found (tried 'k.json', '/cuts/k.json')", "key file
// 'KmsDefault.json' is not a JSON object", "extra.key: "nokey" not found in
// 'KmsDefault.json'" (the key as JSON).
struct KeyEntry {
  std::string name;
  nlohmann::json params;
};
KeyEntry LoadKeyEntry(const nlohmann::json& extra, const Context& context);

// A GOOGLE_SYMMETRIC_ENCRYPTION key. The material is wiped on destruction.
struct SymmetricKey {
  SymmetricKey() = default;
  SymmetricKey(const SymmetricKey&) = default;
  SymmetricKey& operator=(const SymmetricKey&) = default;
  ~SymmetricKey();

  std::array<unsigned char, kAes256KeyBytes> material{};
  std::string aad;  // empty: no additional authenticated data
};

enum class KeyType { kEc, kRsa };
enum class RsaPadding { kNone, kPkcs1, kPss };  // kNone for EC

// A Cloud KMS signing algorithm: the key it needs and how it signs.
struct SignAlgorithm {
  std::string_view name;  // Cloud KMS' name, e.g. "EC_SIGN_P384_SHA384"
  KeyType type;
  int rsa_bits;             // RSA modulus size; 0 for EC
  std::string_view curve;   // EC curve, OpenSSL's short name; empty for RSA
  RsaPadding padding;       // PSS uses a salt as long as the digest, as Cloud KMS does
  std::string_view digest;  // OpenSSL's digest name: "SHA256", "SHA384", "SHA512"
};

// The signing algorithms of Cloud KMS these stand-ins support (EC_SIGN_*,
// RSA_SIGN_PKCS1_*, RSA_SIGN_PSS_*), and a lookup by name (nullptr: none).
std::span<const SignAlgorithm> SignAlgorithms();
const SignAlgorithm* FindSignAlgorithm(std::string_view name);

// A private key checked against its algorithm (type, RSA size, EC curve).
struct SigningKey {
  const SignAlgorithm* algorithm = nullptr;
  PkeyPtr pkey;
};

// Parses `params`, the entry `key_name`, for the CUT `cut_name` (used in
// messages: "key 'asymmetric1' is EC_SIGN_P384_SHA384; Encrypt needs
// GOOGLE_SYMMETRIC_ENCRYPTION"). Throws std::invalid_argument.
SymmetricKey ParseSymmetricKey(const nlohmann::json& params, std::string_view key_name,
                               std::string_view cut_name);
SigningKey ParseSigningKey(const nlohmann::json& params, std::string_view key_name,
                           std::string_view cut_name);

}  // namespace pylogen::cuts::crypto

#endif  // PYLOGEN_CUTS_CRYPTO_KEY_MATERIAL_H_
