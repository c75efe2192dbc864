// The Http CUT's fast engine (http_engine.h): plain http:// HTTP/1.1
// keep-alive on the SDK's event loop, non-blocking sockets and http-parser,
// for the common load-test case; libcurl (the curl engine) does the rest.
//
// What it serves: an http:// URL without credentials or fragment, that no
// proxy of the environment applies to (libcurl's http_proxy, all_proxy,
// ALL_PROXY minus no_proxy/NO_PROXY), whose path libcurl sends as written,
// and headers that leave libcurl's plain framing alone (no Expect with a
// value, no Transfer-Encoding). FastEngineRefusal() says why not otherwise.
//
// How: the host is resolved once, when the engine is made. Each user owns
// one connection, opened on its first request (or in WarmUp()) and kept
// alive; it is watched readable for its whole life, writable only while a
// request does not fit in the socket. The request's bytes are built once per
// --lengths index, as libcurl writes them for the same options (request
// line, Host, Accept, the user's headers, Content-Length and libcurl's
// default Content-Type for a body), and written whole. One read per
// readable event into a buffer shared by the engine, parsed by http-parser
// (Content-Length, chunked and read-until-close bodies, HEAD, 1xx answers);
// the body is counted, not kept. An answer saying "Connection: close" (or an
// HTTP/1.0 one without keep-alive) closes the connection; the next request
// opens a new one. A reused connection that closes (or resets) before any
// byte of the answer gets the request once more on a new connection, as
// libcurl does. Timeouts: one loop timer for the whole engine, armed at the
// earliest deadline; when it fires it scans the connections.
//
// Owned by the Http CUT, one per worker process, on the loop's thread.
// Nothing is allocated per request once each length's request is built and
// the shared buffer exists.
#ifndef PYLOGEN_CUTS_HTTP_FAST_ENGINE_H_
#define PYLOGEN_CUTS_HTTP_FAST_ENGINE_H_

#include "http/http_engine.h"

// FastEngineRefusal() and MakeFastEngine() are declared in http_engine.h.

#endif  // PYLOGEN_CUTS_HTTP_FAST_ENGINE_H_
