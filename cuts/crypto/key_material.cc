#include "crypto/key_material.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "pylogen/extra.h"
#include "pylogen/key_params.h"

namespace pylogen::cuts::crypto {
namespace {

constexpr SignAlgorithm kSignAlgorithms[] = {
    {"EC_SIGN_P256_SHA256", KeyType::kEc, 0, "prime256v1", RsaPadding::kNone, "SHA256"},
    {"EC_SIGN_P384_SHA384", KeyType::kEc, 0, "secp384r1", RsaPadding::kNone, "SHA384"},
    {"EC_SIGN_SECP256K1_SHA256", KeyType::kEc, 0, "secp256k1", RsaPadding::kNone, "SHA256"},
    {"RSA_SIGN_PKCS1_2048_SHA256", KeyType::kRsa, 2048, "", RsaPadding::kPkcs1, "SHA256"},
    {"RSA_SIGN_PKCS1_3072_SHA256", KeyType::kRsa, 3072, "", RsaPadding::kPkcs1, "SHA256"},
    {"RSA_SIGN_PKCS1_4096_SHA256", KeyType::kRsa, 4096, "", RsaPadding::kPkcs1, "SHA256"},
    {"RSA_SIGN_PKCS1_4096_SHA512", KeyType::kRsa, 4096, "", RsaPadding::kPkcs1, "SHA512"},
    {"RSA_SIGN_PSS_2048_SHA256", KeyType::kRsa, 2048, "", RsaPadding::kPss, "SHA256"},
    {"RSA_SIGN_PSS_3072_SHA256", KeyType::kRsa, 3072, "", RsaPadding::kPss, "SHA256"},
    {"RSA_SIGN_PSS_4096_SHA256", KeyType::kRsa, 4096, "", RsaPadding::kPss, "SHA256"},
    {"RSA_SIGN_PSS_4096_SHA512", KeyType::kRsa, 4096, "", RsaPadding::kPss, "SHA512"},
    // Not Cloud KMS names: RSA-3072 over a SHA-384 digest, the digest the
    // ECDSA P-384 key signs, so that both sample key types sign the same one.
    {"RSA_SIGN_PKCS1_3072_SHA384", KeyType::kRsa, 3072, "", RsaPadding::kPkcs1, "SHA384"},
    {"RSA_SIGN_PSS_3072_SHA384", KeyType::kRsa, 3072, "", RsaPadding::kPss, "SHA384"},
};

std::string Quoted(std::string_view key_name) { return "key '" + std::string(key_name) + "'"; }

[[noreturn]] void Refuse(std::string_view key_name, const std::string& what) {
  throw std::invalid_argument(Quoted(key_name) + what);
}

// The entry's "algorithm", which must be a string of an object entry.
std::string AlgorithmOf(const nlohmann::json& params, std::string_view key_name) {
  if (!params.is_object()) {
    Refuse(key_name, std::string(" is a JSON ") + params.type_name() +
                         ", not an object with an \"algorithm\"");
  }
  auto it = params.find("algorithm");
  if (it == params.end() || !it->is_string()) {
    Refuse(key_name, " has no \"algorithm\" string (a Cloud KMS algorithm name)");
  }
  return it->get<std::string>();
}

// The string field `field` of `params`, or a refusal saying what it must hold.
const std::string& StringField(const nlohmann::json& params, std::string_view key_name,
                               const char* field, std::string_view expected) {
  auto it = params.find(field);
  if (it == params.end() || !it->is_string()) {
    Refuse(key_name, std::string(": \"") + field + "\" must be " + std::string(expected));
  }
  return it->get_ref<const std::string&>();
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void DecodeHex(const std::string& hex, std::span<unsigned char> out, std::string_view key_name) {
  if (hex.size() != 2 * out.size()) {
    Refuse(key_name, ": \"material\" has " + std::to_string(hex.size()) + " characters; " +
                         std::string(kSymmetricAlgorithm) + " needs " +
                         std::to_string(2 * out.size()) + " hex digits (" +
                         std::to_string(out.size()) + " bytes)");
  }
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (HexDigit(hex[i]) < 0) {
      Refuse(key_name, ": \"material\" has a non-hex character '" + std::string(1, hex[i]) +
                           "' at position " + std::to_string(i));
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<unsigned char>(HexDigit(hex[2 * i]) * 16 + HexDigit(hex[2 * i + 1]));
  }
}

// Never prompts on the terminal for a passphrase: an encrypted PEM is refused.
int NoPassphrase(char*, int, int, void*) { return -1; }

PkeyPtr ParsePem(const std::string& pem, std::string_view key_name) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) ThrowOpenSslError("BIO_new_mem_buf");
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr));
  if (!pkey) {
    Refuse(key_name,
           ": \"private_key_pem\" is not an unencrypted PEM private key (" + OpenSslError() + ")");
  }
  ERR_clear_error();  // decoders tried and discarded may have queued errors
  return pkey;
}

int CurveNid(std::string_view name) {
  std::string text(name);
  int nid = OBJ_txt2nid(text.c_str());
  return nid != NID_undef ? nid : EC_curve_nist2nid(text.c_str());
}

// "secp384r1 (P-384)", or the bare name when it has no NIST name.
std::string CurveText(std::string_view name) {
  const char* nist = EC_curve_nid2nist(CurveNid(name));
  return std::string(name) + (nist != nullptr ? std::string(" (") + nist + ")" : "");
}

// The curve of an EC key, OpenSSL's short name ("secp384r1"); "" if none.
std::string GroupName(const EVP_PKEY* pkey) {
  char group[80] = "";
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &length) != 1) return "";
  return group;
}

// What the key is: "RSA-2048", "EC prime256v1 (P-256)", "ED25519".
std::string Describe(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA")) return "RSA-" + std::to_string(EVP_PKEY_get_bits(pkey));
  if (EVP_PKEY_is_a(pkey, "EC")) return "EC " + CurveText(GroupName(pkey));
  const char* type = EVP_PKEY_get0_type_name(pkey);
  return type != nullptr ? type : "an unknown key type";
}

// What the algorithm needs, in Describe()'s words.
std::string Needed(const SignAlgorithm& algorithm) {
  if (algorithm.type == KeyType::kRsa) return "RSA-" + std::to_string(algorithm.rsa_bits);
  return "EC " + CurveText(algorithm.curve);
}

bool Matches(const EVP_PKEY* pkey, const SignAlgorithm& algorithm) {
  if (algorithm.type == KeyType::kRsa) {
    return EVP_PKEY_is_a(pkey, "RSA") && EVP_PKEY_get_bits(pkey) == algorithm.rsa_bits;
  }
  return EVP_PKEY_is_a(pkey, "EC") && CurveNid(GroupName(pkey)) == CurveNid(algorithm.curve);
}

std::string SignAlgorithmNames() {
  std::string names;
  for (const SignAlgorithm& a : kSignAlgorithms) {
    names += (names.empty() ? "" : ", ") + std::string(a.name);
  }
  return names;
}

}  // namespace

KeyEntry LoadKeyEntry(const nlohmann::json& extra, const Context& context) {
  ExtraCheckKeys(extra, {"file", "key"});
  nlohmann::json params = LoadKeyParams(extra, context);  // checks "key" first
  return KeyEntry{ExtraString(extra, "key", ""), std::move(params)};
}

SymmetricKey::~SymmetricKey() { OPENSSL_cleanse(material.data(), material.size()); }

std::span<const SignAlgorithm> SignAlgorithms() { return kSignAlgorithms; }

const SignAlgorithm* FindSignAlgorithm(std::string_view name) {
  for (const SignAlgorithm& a : kSignAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

SymmetricKey ParseSymmetricKey(const nlohmann::json& params, std::string_view key_name,
                               std::string_view cut_name) {
  std::string algorithm = AlgorithmOf(params, key_name);
  if (algorithm != kSymmetricAlgorithm) {
    Refuse(key_name, " is " + algorithm + "; " + std::string(cut_name) + " needs " +
                         std::string(kSymmetricAlgorithm));
  }
  SymmetricKey key;
  DecodeHex(StringField(params, key_name, "material", "a string of 64 hex digits (32 bytes)"),
            key.material, key_name);
  if (params.contains("aad")) key.aad = StringField(params, key_name, "aad", "a string");
  return key;
}

SigningKey ParseSigningKey(const nlohmann::json& params, std::string_view key_name,
                           std::string_view cut_name) {
  std::string algorithm = AlgorithmOf(params, key_name);
  SigningKey key;
  key.algorithm = FindSignAlgorithm(algorithm);
  if (key.algorithm == nullptr) {
    Refuse(key_name, " is " + algorithm + "; " + std::string(cut_name) + " needs one of " +
                         SignAlgorithmNames());
  }
  key.pkey = ParsePem(
      StringField(params, key_name, "private_key_pem", "a string holding a PEM private key"),
      key_name);
  if (!Matches(key.pkey.get(), *key.algorithm)) {
    Refuse(key_name, " is " + algorithm + ", which needs an " + Needed(*key.algorithm) +
                         " key; its private_key_pem is " + Describe(key.pkey.get()));
  }
  return key;
}

}  // namespace pylogen::cuts::crypto
