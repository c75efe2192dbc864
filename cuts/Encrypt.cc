// Encrypt: AES-256-GCM of `length` random bytes per operation, a local
// stand-in for a Cloud KMS Encrypt call. See crypto/encrypt_cut.h.
//
// --extra '{"key":"symmetric1"}' (and optionally "file", default
// KmsDefault.json: the current directory, then beside this CUT).
#include "crypto/encrypt_cut.h"

using Encrypt = pylogen::cuts::crypto::EncryptCut;

PYLOGEN_REGISTER_CUT(Encrypt);
