// Http: a sample event-driven CUT calling an HTTP service; see
// http/http_cut.h and the README ("Sample CUTs") for its --extra keys.
#include "http/http_cut.h"
#include "pylogen/cut.h"

using pylogen::cuts::HttpCut;
PYLOGEN_REGISTER_CUT(HttpCut);
