// pylogen SDK — what a worker process knows of itself, for both CUT kinds.
#ifndef PYLOGEN_CONTEXT_H_
#define PYLOGEN_CONTEXT_H_

#include <string>

namespace pylogen {

// Set before setup(), then constant.
struct Context {
  std::string id;        // the load's --id
  std::string cut_name;  // e.g. "Dummy"
  std::string cut_dir;   // folder of the CUT's .so (for files shipped beside it)
  int process_index = 0; // 0-based index of this runner/worker within its load
  int pid = 0;
};

}  // namespace pylogen

#endif  // PYLOGEN_CONTEXT_H_
