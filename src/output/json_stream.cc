#include "output/json_stream.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace pylogen::output {
namespace {

// nlohmann's serializer writes through this protocol; json.dump() uses a
// string adapter, operator<< a stream one (which would throw on invalid
// UTF-8: no error handler there).
class ChunkAdapter : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  explicit ChunkAdapter(const std::function<void(std::string_view)>& write) : write_(write) {
    buffer_.reserve(kChunkBytes);
  }
  void write_character(char c) override {
    if (buffer_.size() == kChunkBytes) Flush();
    buffer_.push_back(c);
  }
  void write_characters(const char* s, std::size_t length) override {
    while (length > 0) {
      if (buffer_.size() == kChunkBytes) Flush();
      const std::size_t n = std::min(length, kChunkBytes - buffer_.size());
      buffer_.append(s, n);
      s += n;
      length -= n;
    }
  }
  void Flush() {
    if (!buffer_.empty()) write_(buffer_);
    buffer_.clear();
  }

 private:
  const std::function<void(std::string_view)>& write_;
  std::string buffer_;
};

}  // namespace

void DumpJsonInChunks(const nlohmann::json& json, int indent,
                      const std::function<void(std::string_view)>& write) {
  auto adapter = std::make_shared<ChunkAdapter>(write);
  nlohmann::detail::serializer<nlohmann::json> serializer(adapter, ' ',
                                                          nlohmann::json::error_handler_t::replace);
  serializer.dump(json, indent >= 0, false, static_cast<unsigned int>(indent >= 0 ? indent : 0));
  adapter->write_character('\n');
  adapter->Flush();
}

}  // namespace pylogen::output
