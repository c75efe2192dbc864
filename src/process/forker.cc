#include "process/forker.h"

#include "process/child.h"

namespace pylogen::process {
namespace {

class ChildForker : public Forker {
 public:
  pid_t Fork(const std::string& role, const std::function<int()>& body) override {
    return ForkChild(role, body);
  }
};

}  // namespace

Forker& RealForker() {
  static ChildForker forker;
  return forker;
}

}  // namespace pylogen::process
