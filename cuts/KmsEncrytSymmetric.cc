// KmsEncrytSymmetric: Pylogen's name (misspelling included) of its Cloud KMS
// symmetric encryption CUT, so that Pylogen's sample runs unchanged:
//
//   pylogen cuts.KmsEncrytSymmetric --le 384,512,1024
//           --extra '{"file":"KmsDefault.json","key":"symmetric1"}'
//
// The same class as Encrypt (crypto/encrypt_cut.h): a local AES-256-GCM
// stand-in, not a call to Cloud KMS.
#include "crypto/encrypt_cut.h"

using KmsEncrytSymmetric = pylogen::cuts::crypto::EncryptCut;

PYLOGEN_REGISTER_CUT(KmsEncrytSymmetric);
