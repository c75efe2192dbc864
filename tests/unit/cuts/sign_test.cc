// SignCut (the class of the Sign CUT), driven as a runner drives it; every
// signature is verified with plain OpenSSL calls over the payload, with the
// public key derived from the entry's PEM.
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/payload.h"
#include "crypto/sign_cut.h"
#include "cut/loader.h"
#include "crypto_test_support.h"

namespace pylogen::cuts::crypto {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): the crypto test helpers

using Bytes = std::vector<unsigned char>;

Bytes Copy(std::span<const unsigned char> s) { return Bytes(s.begin(), s.end()); }

enum class Padding { kEcdsa, kPkcs1, kPss };

// Verifies `signature` of `message` (hashed with `digest`) under `pub`,
// independently of SignCut. PSS expects a salt as long as the digest.
bool Verify(EVP_PKEY* pub, const char* digest, Padding padding, const Bytes& message,
            const Bytes& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, pub, nullptr) == 1;
  if (ok && padding == Padding::kPkcs1)
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  if (ok && padding == Padding::kPss) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                              message.size()) == 1;
  ERR_clear_error();
  return ok;
}

Bytes DigestOf(const char* digest, const Bytes& message) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  EXPECT_EQ(EVP_Digest(message.data(), message.size(), out.data(), &size,
                       EVP_get_digestbyname(digest), nullptr),
            1);
  out.resize(size);
  return out;
}

const Request& OnlyRequest(SignCut& cut) {
  EXPECT_EQ(cut.requests().size(), 1u);
  return *cut.requests().begin();
}

struct SampleKey {
  const char* key;
  const char* algorithm;
  const char* digest;
  std::size_t digest_bytes;
  Padding padding;
};

class SignSampleTest : public ::testing::TestWithParam<SampleKey> {
 protected:
  void SetUp() override {
    Bind(cut_, {{"key", GetParam().key}}, "Sign");
    ASSERT_EQ(SetupError(cut_), "");
    pub_ = PublicKeyOf(SampleEntry(GetParam().key)["private_key_pem"].get<std::string>());
  }
  bool VerifyLast(const Bytes& message, const Bytes& signature) {
    return Verify(pub_.get(), GetParam().digest, GetParam().padding, message, signature);
  }
  SignCut cut_;
  TestPkey pub_;
};

TEST_P(SignSampleTest, SignatureOfTheDigestVerifiesAtEveryLength) {
  const SampleKey& k = GetParam();
  EXPECT_EQ(cut_.algorithm().name, k.algorithm);
  for (const char* length : {"384", "0", "1024", "384"}) {
    RunOperation(cut_, length);
    const Request& r = OnlyRequest(cut_);
    EXPECT_STREQ(r.name, "sign");
    EXPECT_EQ(r.rc, 0) << r.error;
    Bytes payload = Copy(cut_.payload());
    ASSERT_EQ(payload.size(), std::stoul(length));
    EXPECT_EQ(Copy(cut_.digest()), DigestOf(k.digest, payload));
    EXPECT_EQ(cut_.digest().size(), k.digest_bytes);
    EXPECT_TRUE(VerifyLast(payload, Copy(cut_.signature()))) << "length " << length;
    EXPECT_EQ(r.bytes_in, cut_.signature().size()) << "the signature a KMS returns";
    EXPECT_EQ(r.bytes_out, k.digest_bytes) << "the digest sent";
  }
}

TEST_P(SignSampleTest, FlippedByteFailsVerification) {
  RunOperation(cut_, "512");
  Bytes payload = Copy(cut_.payload());
  Bytes signature = Copy(cut_.signature());
  ASSERT_TRUE(VerifyLast(payload, signature));
  Bytes other_payload = payload;
  other_payload[17] ^= 0x01;
  EXPECT_FALSE(VerifyLast(other_payload, signature));
  Bytes other_signature = signature;
  other_signature[signature.size() / 2] ^= 0x01;
  EXPECT_FALSE(VerifyLast(payload, other_signature));
}

TEST_P(SignSampleTest, LengthThatIsNotAByteCountFailsTheRequest) {
  RunOperation(cut_, "big");
  const Request& r = OnlyRequest(cut_);
  EXPECT_EQ(r.rc, kRcBadLength);
  EXPECT_NE(std::string(r.error).find("length 'big'"), std::string::npos) << r.error;
  RunOperation(cut_, "10");
  EXPECT_EQ(OnlyRequest(cut_).rc, 0);
}

INSTANTIATE_TEST_SUITE_P(
    SampleKeys, SignSampleTest,
    ::testing::Values(
        SampleKey{"asymmetric1", "EC_SIGN_P384_SHA384", "SHA384", 48, Padding::kEcdsa},
        SampleKey{"asymmetric2", "RSA_SIGN_PKCS1_3072_SHA384", "SHA384", 48, Padding::kPkcs1},
        SampleKey{"asymmetric3", "RSA_SIGN_PSS_3072_SHA384", "SHA384", 48, Padding::kPss}),
    [](const ::testing::TestParamInfo<SampleKey>& info) { return info.param.key; });

class SignRsaTest : public ::testing::Test {
 protected:
  // Two signatures of the same payload with the sample key `key`.
  std::pair<Bytes, Bytes> TwoSignatures(const char* key) {
    SignCut cut;
    Bind(cut, {{"key", key}}, "Sign");
    EXPECT_EQ(SetupError(cut), "");
    RunOperation(cut, "200");
    Bytes first = Copy(cut.signature());
    RunOperation(cut, "200");  // same length: same payload bytes
    payload_ = Copy(cut.payload());
    return {first, Copy(cut.signature())};
  }
  Bytes payload_;
};

TEST_F(SignRsaTest, Pkcs1IsDeterministicAndNotPss) {
  auto [first, second] = TwoSignatures("asymmetric2");
  EXPECT_EQ(first.size(), 384u) << "RSA-3072";
  EXPECT_EQ(first, second);
  auto pub = PublicKeyOf(SampleEntry("asymmetric2")["private_key_pem"].get<std::string>());
  EXPECT_FALSE(Verify(pub.get(), "SHA384", Padding::kPss, payload_, second));
}

TEST_F(SignRsaTest, PssIsSaltedAndNotPkcs1) {
  auto [first, second] = TwoSignatures("asymmetric3");
  EXPECT_EQ(first.size(), 384u) << "RSA-3072";
  EXPECT_NE(first, second);
  auto pub = PublicKeyOf(SampleEntry("asymmetric3")["private_key_pem"].get<std::string>());
  EXPECT_TRUE(Verify(pub.get(), "SHA384", Padding::kPss, payload_, first));
  EXPECT_FALSE(Verify(pub.get(), "SHA384", Padding::kPkcs1, payload_, second));
}

// ---- Generated keys: other algorithms of the table, and refused keys ----

// Keys made once per test binary (RSA generation takes a while).
enum class Pem { kNone, kGarbage, kRsa2048, kRsa3072, kEcP256, kEcP384, kSecp256k1, kEncrypted };

const std::string& PemFor(Pem kind) {
  static std::map<Pem, std::string> made;
  auto it = made.find(kind);
  if (it != made.end()) return it->second;
  std::string pem;
  switch (kind) {
    case Pem::kNone:
    case Pem::kGarbage:
      pem = "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n";
      break;
    case Pem::kRsa2048:
      pem = PemOf(NewRsaKey(2048).get());
      break;
    case Pem::kRsa3072:
      pem = SampleEntry("asymmetric2")["private_key_pem"].get<std::string>();
      break;
    case Pem::kEcP256:
      pem = PemOf(NewEcKey("P-256").get());
      break;
    case Pem::kEcP384:
      pem = SampleEntry("asymmetric1")["private_key_pem"].get<std::string>();
      break;
    case Pem::kSecp256k1:
      pem = PemOf(NewEcKey("secp256k1").get());
      break;
    case Pem::kEncrypted:
      pem = PemOf(NewEcKey("P-384").get(), "secret");
      break;
  }
  return made[kind] = pem;
}

// The entry "k" of a temporary key file.
nlohmann::json Entry(const char* algorithm, Pem pem) {
  nlohmann::json entry = {{"algorithm", algorithm}};
  if (pem != Pem::kNone) entry["private_key_pem"] = PemFor(pem);
  return entry;
}

struct GeneratedKey {
  const char* algorithm;
  Pem pem;
  const char* digest;
  Padding padding;
};

class SignGeneratedKeyTest : public ::testing::TestWithParam<GeneratedKey> {};

TEST_P(SignGeneratedKeyTest, SignsWithTheAlgorithmsDigestAndPadding) {
  const GeneratedKey& g = GetParam();
  KeyFile file(nlohmann::json{{"k", Entry(g.algorithm, g.pem)}});
  SignCut cut;
  Bind(cut, file.Extra("k"), "Sign");
  ASSERT_EQ(SetupError(cut), "");
  RunOperation(cut, "300");
  ASSERT_EQ(OnlyRequest(cut).rc, 0) << OnlyRequest(cut).error;
  auto pub = PublicKeyOf(PemFor(g.pem));
  Bytes payload = Copy(cut.payload());
  EXPECT_EQ(Copy(cut.digest()), DigestOf(g.digest, payload));
  EXPECT_TRUE(Verify(pub.get(), g.digest, g.padding, payload, Copy(cut.signature())));
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, SignGeneratedKeyTest,
    ::testing::Values(
        GeneratedKey{"EC_SIGN_P256_SHA256", Pem::kEcP256, "SHA256", Padding::kEcdsa},
        GeneratedKey{"EC_SIGN_SECP256K1_SHA256", Pem::kSecp256k1, "SHA256", Padding::kEcdsa},
        GeneratedKey{"RSA_SIGN_PKCS1_2048_SHA256", Pem::kRsa2048, "SHA256", Padding::kPkcs1},
        GeneratedKey{"RSA_SIGN_PSS_2048_SHA256", Pem::kRsa2048, "SHA256", Padding::kPss}),
    [](const ::testing::TestParamInfo<GeneratedKey>& info) { return info.param.algorithm; });

struct BadKeyCase {
  const char* label;
  const char* algorithm;  // of the entry "k" in a temporary key file
  Pem pem;
  nlohmann::json extra;  // null: {"file": <that file>, "key": "k"}
  std::string expected;  // a part of setup()'s message
};

class SignBadKeyTest : public ::testing::TestWithParam<BadKeyCase> {};

TEST_P(SignBadKeyTest, SetupThrowsAPreciseMessage) {
  const BadKeyCase& c = GetParam();
  KeyFile file(nlohmann::json{{"k", Entry(c.algorithm, c.pem)}});
  SignCut cut;
  Bind(cut, c.extra.is_null() ? file.Extra("k") : c.extra, "Sign");
  std::string error = SetupError(cut);
  EXPECT_NE(error.find(c.expected), std::string::npos) << "got: " << error;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SignBadKeyTest,
    ::testing::Values(
        BadKeyCase{"missing_key",
                   "",
                   Pem::kNone,
                   {{"key", "asymmetric9"}},
                   "extra.key: \"asymmetric9\" not found in '" + SourceCutDir() + "/KmsDefault.json'"},
        BadKeyCase{"missing_file",
                   "",
                   Pem::kNone,
                   {{"file", "nope.json"}, {"key", "asymmetric1"}},
                   "extra.file: 'nope.json' not found (tried 'nope.json', '" + SourceCutDir() +
                       "/nope.json')"},
        BadKeyCase{"unknown_key_in_extra", "", Pem::kNone, {{"key", "asymmetric1"}, {"aad", "x"}},
                   "extra.aad: unknown key; known keys: file, key"},
        BadKeyCase{"symmetric_key_for_sign",
                   "",
                   Pem::kNone,
                   {{"key", "symmetric1"}},
                   "key 'symmetric1' is GOOGLE_SYMMETRIC_ENCRYPTION; Sign needs one of "
                   "EC_SIGN_P256_SHA256, EC_SIGN_P384_SHA384, "},
        BadKeyCase{"unsupported_algorithm", "RSA_SIGN_RAW_PKCS1_2048", Pem::kRsa2048, nullptr,
                   "key 'k' is RSA_SIGN_RAW_PKCS1_2048; Sign needs one of "},
        BadKeyCase{"raw_rsa_algorithm", "RSA_SIGN_RAW_PKCS1_3072", Pem::kRsa3072, nullptr,
                   "key 'k' is RSA_SIGN_RAW_PKCS1_3072; Sign needs one of "},
        BadKeyCase{"no_pem", "EC_SIGN_P384_SHA384", Pem::kNone, nullptr,
                   "key 'k': \"private_key_pem\" must be a string holding a PEM private key"},
        BadKeyCase{"bad_pem", "EC_SIGN_P384_SHA384", Pem::kGarbage, nullptr,
                   "key 'k': \"private_key_pem\" is not an unencrypted PEM private key ("},
        BadKeyCase{"encrypted_pem", "EC_SIGN_P384_SHA384", Pem::kEncrypted, nullptr,
                   "key 'k': \"private_key_pem\" is not an unencrypted PEM private key ("},
        BadKeyCase{"rsa2048_under_3072", "RSA_SIGN_PKCS1_3072_SHA256", Pem::kRsa2048, nullptr,
                   "key 'k' is RSA_SIGN_PKCS1_3072_SHA256, which needs an RSA-3072 key; its "
                   "private_key_pem is RSA-2048"},
        BadKeyCase{"rsa2048_under_pss_3072", "RSA_SIGN_PSS_3072_SHA256", Pem::kRsa2048, nullptr,
                   "its private_key_pem is RSA-2048"},
        BadKeyCase{"p256_under_p384", "EC_SIGN_P384_SHA384", Pem::kEcP256, nullptr,
                   "key 'k' is EC_SIGN_P384_SHA384, which needs an EC secp384r1 (P-384) key; its "
                   "private_key_pem is EC prime256v1 (P-256)"},
        BadKeyCase{"secp256k1_under_p256", "EC_SIGN_P256_SHA256", Pem::kSecp256k1, nullptr,
                   "its private_key_pem is EC secp256k1"},
        BadKeyCase{"rsa_under_ec", "EC_SIGN_P384_SHA384", Pem::kRsa3072, nullptr,
                   "which needs an EC secp384r1 (P-384) key; its private_key_pem is RSA-3072"},
        BadKeyCase{"ec_under_rsa", "RSA_SIGN_PKCS1_3072_SHA256", Pem::kEcP384, nullptr,
                   "which needs an RSA-3072 key; its private_key_pem is EC secp384r1 (P-384)"}),
    [](const ::testing::TestParamInfo<BadKeyCase>& info) { return info.param.label; });

// The built module registers the class as "Sign" and runs through the loader.
TEST(SignModule, RegisteredUnderItsOwnName) {
  pylogen::cut::SearchPaths paths;
  paths.cwd = "/nonexistent";
  paths.own = {PYLOGEN_SAMPLE_CUT_DIR};
  auto loaded = pylogen::cut::LoadedCut::Load("Sign", paths);
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_STREQ(loaded->descriptor().class_name, "Sign");
  ClassUnderTest* cut = loaded->descriptor().create();
  Bind(*cut, {{"key", "asymmetric2"}}, "Sign");
  EXPECT_EQ(SetupError(*cut), "");
  RunOperation(*cut, "48");
  ASSERT_EQ(cut->requests().size(), 1u);
  EXPECT_EQ(cut->requests().begin()->rc, 0) << cut->requests().begin()->error;
  EXPECT_EQ(cut->requests().begin()->bytes_in, 384u);
  loaded->descriptor().destroy(cut);
}

}  // namespace
}  // namespace pylogen::cuts::crypto
