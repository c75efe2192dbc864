#include "http/http_cut.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/byte_count.h"

namespace pylogen::cuts {
namespace {

// The one place where extra.engine picks the engine.
std::unique_ptr<HttpEngine> ChooseEngine(const HttpOptions& options, EventLoop& loop,
                                         std::uint32_t users, HttpEngineClient& client) {
  switch (options.engine) {
    case HttpEngineChoice::kFast: {
      std::string refusal = FastEngineRefusal(options);
      if (!refusal.empty()) {
        throw std::runtime_error("extra.engine: \"fast\" cannot serve this URL: " + refusal +
                                 " (use \"auto\" or \"curl\")");
      }
      return MakeFastEngine(options, loop, users, client);
    }
    case HttpEngineChoice::kAuto:
      // The fast path wherever it applies: plain http:// with nothing only
      // libcurl does.
      if (FastEngineRefusal(options).empty()) return MakeFastEngine(options, loop, users, client);
      break;
    case HttpEngineChoice::kCurl:
      break;
  }
  return MakeCurlEngine(options, loop, users, client);
}

}  // namespace

void EndRequest(Operation& op, std::size_t index, const HttpOutcome& outcome) {
  op.request(index).AddBytes(outcome.bytes_in, outcome.bytes_out);
  if (outcome.transport != CURLE_OK) {
    // curl's short message: the record keeps 47 bytes, too few for the
    // detailed one (host, port, elapsed), which the URL and rc already say.
    op.End(index, static_cast<int>(outcome.transport), curl_easy_strerror(outcome.transport));
    return;
  }
  if (outcome.status >= 400) {
    char text[16] = "HTTP ";  // no allocation, even for a run of errors
    char* end = std::to_chars(text + 5, text + sizeof(text), outcome.status).ptr;
    op.End(index, static_cast<int>(outcome.status),
           std::string_view(text, static_cast<std::size_t>(end - text)));
    return;
  }
  op.End(index);
}

std::string_view LengthFiller::Get(std::size_t size) {
  if (runs_.empty() || runs_.back()->size() < size) {
    std::size_t grown = runs_.empty() ? size : std::max(size, 2 * runs_.back()->size());
    runs_.push_back(std::make_unique<const std::string>(grown, 'x'));
  }
  return std::string_view(*runs_.back()).substr(0, size);
}

void HttpCut::setup() {
  options_ = ParseHttpOptions(extra());
  length_body_ = options_.SendsLengthBody();
  pending_.assign(concurrency(), Pending{});
  // teardown() is not called after a failed setup(): undo here.
  try {
    engine_ = ChooseEngine(options_, loop(), concurrency(), *this);
    if (options_.warmup) engine_->WarmUp();
  } catch (...) {
    engine_.reset();
    throw;
  }
}

void HttpCut::teardown() { engine_.reset(); }

void HttpCut::start(Operation& op) {
  std::string_view body;
  if (length_body_) {
    std::optional<std::size_t> size = ParseByteCount(op.length());
    if (!size) {
      const std::string& error = BadLength(op.length());
      std::size_t index = op.Begin(options_.name);
      op.End(index, kRcBadLength, error);
      op.Complete();
      return;
    }
    body = filler_.Get(*size);
  } else if (options_.body) {
    body = *options_.body;
  }
  std::size_t index = op.Begin(options_.name);
  engine_->Start(op.user(), op.length_index(), body);
  pending_[op.user()] = Pending{&op, index};
}

// Built only when the bad token changes: a run of them allocates once.
const std::string& HttpCut::BadLength(std::string_view token) {
  if (bad_token_ != token) {
    bad_token_.emplace(token);
    bad_length_ = "length '" + *bad_token_ + "' is not a body size";
  }
  return bad_length_;
}

void HttpCut::OnDone(std::uint32_t user, const HttpOutcome& outcome) {
  Pending& pending = pending_.at(user);
  if (pending.op == nullptr) return;
  Operation& op = *pending.op;
  pending.op = nullptr;
  EndRequest(op, pending.request, outcome);
  op.Complete();
}

void HttpCut::cancel(Operation& op) {
  engine_->Cancel(op.user());
  pending_.at(op.user()).op = nullptr;
}

}  // namespace pylogen::cuts
