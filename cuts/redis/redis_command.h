// The Redis CUT's command, built once per operation without allocating: the
// words of the "command" key with "{n}" replaced by the operation count and
// "{payload}" by a value of the current length (pure: no I/O).
//
// Build() fills argv/argvlen arrays for redisAsyncCommandArgv, which copies
// them into hiredis' output buffer at once: the arrays and the buffers they
// point into belong to the CommandTemplate and stay valid until the next
// Build(). A literal word points at its own text, a word that is exactly
// "{payload}" at a prefix of one filler string; only a word mixing
// {n}/{payload} fields and text is copied, into a buffer of its own kept across
// calls. After the first calls at the largest length, nothing is allocated.
//
// One instance per CUT instance, in one worker process, one thread.
#ifndef PYLOGEN_CUTS_REDIS_REDIS_COMMAND_H_
#define PYLOGEN_CUTS_REDIS_REDIS_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::cuts {

class CommandTemplate {
 public:
  explicit CommandTemplate(const std::vector<std::string>& words);
  // argv points into the instance: it stays where it was built.
  CommandTemplate(const CommandTemplate&) = delete;
  CommandTemplate& operator=(const CommandTemplate&) = delete;

  // Whether any word holds "{payload}" (the length then must be a byte count).
  bool uses_payload() const { return uses_payload_; }

  // Builds the command of operation `n` with a payload of `payload_bytes`
  // bytes; returns the size of its RESP encoding (what goes on the wire).
  std::uint64_t Build(std::uint64_t n, std::size_t payload_bytes);

  int argc() const { return static_cast<int>(argv_.size()); }
  const char** argv() { return argv_.data(); }
  const std::size_t* argvlen() const { return argvlen_.data(); }
  // Word `i` as last built.
  std::string_view word(std::size_t i) const { return {argv_[i], argvlen_[i]}; }

 private:
  enum class Kind { kLiteral, kCount, kPayload };
  struct Piece {
    Kind kind;
    std::string text;  // kLiteral only
  };
  struct Word {
    std::vector<Piece> pieces;
    std::string built;  // for words that are not one literal or one payload
  };

  std::string_view Payload(std::size_t bytes);
  void BuildWord(std::size_t i, std::string_view count, std::size_t payload_bytes);

  std::vector<Word> words_;
  std::vector<const char*> argv_;
  std::vector<std::size_t> argvlen_;
  std::string filler_;
  bool uses_payload_ = false;
};

// The size of the RESP encoding of `argc` words of the given lengths:
// "*<argc>\r\n" then "$<len>\r\n<word>\r\n" for each.
std::uint64_t RespCommandBytes(int argc, const std::size_t* argvlen);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_REDIS_REDIS_COMMAND_H_
