#include "output/report_writer.h"

#include <sys/random.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "output/json_stream.h"
#include "output/output_file.h"

namespace pylogen::output {
namespace {

constexpr std::string_view kEnd = "@@\"";
// Longest token: "h" and a 20-digit index.
constexpr std::size_t kMaxToken = 21;

std::string DrawNonce() {
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, GRND_NONBLOCK) != sizeof bits) {
    bits = std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32);
  }
  return fmt::format("{:016x}", bits);
}

}  // namespace

// Passes the text through to fd, replacing each quoted placeholder. Text
// that could be the start of a placeholder is held back until the next
// chunk says (at most the needle and a token).
class DeferredParts::Splicer {
 public:
  Splicer(const DeferredParts& parts, int fd)
      : parts_(parts), fd_(fd), needle_(fmt::format("\"@@pylogen-{}-", parts.nonce_)) {}

  void Write(std::string_view chunk) {
    if (error_ != 0) return;
    pending_.append(chunk);
    std::size_t done = 0;  // bytes of pending_ written
    while (error_ == 0) {
      std::size_t at = pending_.find(needle_, done);
      if (at == std::string::npos) {
        // Keep what could be the needle's start; write the rest.
        std::size_t keep = std::min(pending_.size() - done, needle_.size() - 1);
        Out(std::string_view(pending_).substr(done, pending_.size() - done - keep));
        done = pending_.size() - keep;
        break;
      }
      std::size_t token = at + needle_.size();
      std::size_t end = pending_.find(kEnd, token);
      if (end == std::string::npos) {
        if (pending_.size() - token > kMaxToken + kEnd.size()) {  // not one of ours: through
          Out(std::string_view(pending_).substr(done, token - done));
          done = token;
          continue;
        }
        Out(std::string_view(pending_).substr(done, at - done));  // wait for the token's end
        done = at;
        break;
      }
      Out(std::string_view(pending_).substr(done, at - done));
      Replace(std::string_view(pending_).substr(token, end - token),
              std::string_view(pending_).substr(at, end + kEnd.size() - at));
      done = end + kEnd.size();
    }
    pending_.erase(0, done);
  }

  int Finish() {
    if (error_ == 0) Out(pending_);
    pending_.clear();
    return error_;
  }

 private:
  void Out(std::string_view text) {
    if (error_ == 0 && !text.empty()) error_ = WriteAllTo(fd_, text);
  }

  void Replace(std::string_view token, std::string_view whole) {
    if (token == "i") {
      error_ = parts_.spool_ != nullptr ? parts_.spool_->CopyListTo(fd_) : WriteAllTo(fd_, "[]");
      return;
    }
    std::size_t index = 0;
    if (token.size() > 1 && token[0] == 'h') {
      auto [end, ec] = std::from_chars(token.data() + 1, token.data() + token.size(), index);
      if (ec == std::errc() && end == token.data() + token.size() && index < parts_.histograms_.size()) {
        Out(parts_.histograms_[index]->ToJson().dump());
        return;
      }
    }
    Out(whole);  // not a placeholder this report made: as it was
  }

  const DeferredParts& parts_;
  int fd_;
  std::string needle_;
  std::string pending_;
  int error_ = 0;
};

DeferredParts::DeferredParts() : nonce_(DrawNonce()) {}

std::string DeferredParts::Placeholder(std::string_view token) const {
  return fmt::format("@@pylogen-{}-{}@@", nonce_, token);
}

std::string DeferredParts::Histogram(const stats::Histogram& h) {
  histograms_.push_back(&h);
  return Placeholder(fmt::format("h{}", histograms_.size() - 1));
}

std::string DeferredParts::Intervals(IntervalSpool* spool) {
  spool_ = spool;
  return Placeholder("i");
}

int DeferredParts::Write(int fd, const nlohmann::json& report) const {
  Splicer splicer(*this, fd);
  DumpJsonInChunks(report, 2, [&splicer](std::string_view chunk) { splicer.Write(chunk); });
  return splicer.Finish();
}

int DeferredParts::WriteText(int fd, std::string_view text) const {
  Splicer splicer(*this, fd);
  splicer.Write(text);
  return splicer.Finish();
}

}  // namespace pylogen::output
