// Sign: digest and signature of `length` random bytes per operation, a local
// stand-in for a Cloud KMS AsymmetricSign call. See crypto/sign_cut.h.
//
// --extra '{"key":"asymmetric1"}' (EC P-384), '{"key":"asymmetric2"}' (RSA
// 3072, PKCS#1 v1.5), '{"key":"asymmetric3"}' (RSA 3072, PSS); "file"
// defaults to KmsDefault.json: the current directory, then beside this CUT.
#include "crypto/sign_cut.h"

using Sign = pylogen::cuts::crypto::SignCut;

PYLOGEN_REGISTER_CUT(Sign);
