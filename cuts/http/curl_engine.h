// The libcurl engine of the Http CUT (http_engine.h: MakeCurlEngine): one
// curl multi handle driven by the process' event loop through libcurl's
// socket interface, and one easy handle per virtual user.
//
//   CURLMOPT_SOCKETFUNCTION  -> EventLoop::Watch / Unwatch
//   CURLMOPT_TIMERFUNCTION   -> EventLoop::AddTimer / CancelTimer (-1 cancels,
//                               0 runs on the loop's next turn)
//   fd and timer callbacks   -> curl_multi_socket_action, then every finished
//                               transfer from curl_multi_info_read goes to
//                               HttpEngineClient::OnDone (never from Start())
//
// Each easy handle is set up once (URL, HTTP/1.1, NOSIGNAL, timeouts, the
// headers with "Expect:", TLS verification, the method, and read/seek
// callbacks over the user's own body cursor, so that libcurl can rewind the
// body when it resends a request on a new connection); a request is
// curl_multi_add_handle, its end curl_multi_remove_handle. The multi keeps
// up to `users` connections (CURLMOPT_MAXCONNECTS), shared by the users:
// `users` requests in flight hold `users` connections. Nothing is allocated
// by this code per request; libcurl's own allocations are its business.
//
// WarmUp() sends every user's HEAD at once and drives the multi with
// curl_multi_socket_action from a bounded ppoll() over the sockets the
// socket callback reported (the loop is not turned during setup()), so that
// `users` connections are in the multi's cache before time counts.
//
// Cancel() removes the user's transfer from the multi: libcurl closes a
// connection left in mid-exchange rather than reuse it.
//
// Owned by the Http CUT, in one worker process, on the loop's thread.
#ifndef PYLOGEN_CUTS_HTTP_CURL_ENGINE_H_
#define PYLOGEN_CUTS_HTTP_CURL_ENGINE_H_

#include "http/http_engine.h"

#endif  // PYLOGEN_CUTS_HTTP_CURL_ENGINE_H_
