// pylogen SDK — the class under test (CUT) and its registration.
//
// A CUT is a shared library holding one class derived from ClassUnderTest and
// one PYLOGEN_REGISTER_CUT(Class) line. pylogen dlopens it once, checks its
// ABI version before calling anything in it, then in every worker process,
// after fork, creates one instance and drives it:
//
//   setup()                                   once per process
//   for each loop:      resetBeforeSteps()
//     for each length:  [requests reset, length set] resetBeforeStep()
//                       genDatas() processDatas() func()  -> records
//   teardown()                                once per process
//
// func() does its work through requests().exec(...) (see requests.h). An
// exception escaping func() itself is recorded as a failed request named
// "func". Hooks a CUT does not override cost one empty virtual call.
//
// Threading: an instance is used by one thread of one process only.
#ifndef PYLOGEN_CUT_H_
#define PYLOGEN_CUT_H_

#include <charconv>
#include <cstdint>
#include <system_error>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pylogen/requests.h"

namespace pylogen {

// Bumped whenever a type crossing the dlopen boundary changes. A CUT built
// against another version is refused with a message asking to rebuild it.
inline constexpr std::uint32_t kAbiVersion = 1;

// What a worker process knows of itself; set before setup(), then constant.
struct Context {
  std::string id;        // the load's --id
  std::string cut_name;  // e.g. "Dummy"
  std::string cut_dir;   // folder of the CUT's .so (for files shipped beside it)
  int process_index = 0; // 0-based index of this runner/worker within its load
  int pid = 0;
};

class ClassUnderTest {
 public:
  virtual ~ClassUnderTest() = default;

  // The operation under test. Runs its requests through requests().exec().
  virtual void func() = 0;

  // Optional hooks, Pylogen's names. All run in the worker process.
  virtual void setup() {}              // once, before the first operation
  virtual void teardown() {}           // once, after the last operation
  virtual void resetBeforeSteps() {}   // before each loop over the lengths
  virtual void resetBeforeStep() {}    // before each operation, length set
  virtual void genDatas() {}           // data hooks, before func()
  virtual void processDatas() {}

  RequestsManager& requests() { return requests_; }
  // The current length token (a value of --lengths) and its numeric value
  // (0 when the token is not a number).
  std::string_view length() const { return length_; }
  std::int64_t length_value() const { return length_value_; }
  std::size_t length_index() const { return length_index_; }
  // --extra, parsed; an object (empty when none was given).
  const nlohmann::json& extra() const { return extra_; }
  const Context& context() const { return context_; }

  // ---- Called by pylogen only. ----
  void BindHost(Context context, nlohmann::json extra) {
    context_ = std::move(context);
    extra_ = std::move(extra);
    if (requests_.name()[0] == '\0') requests_.set_name(context_.cut_name);
  }
  void SetLength(std::size_t index, std::string_view token) {
    length_index_ = index;
    length_ = token;
    std::int64_t value = 0;
    auto parsed = std::from_chars(token.data(), token.data() + token.size(), value);
    bool whole = parsed.ec == std::errc() && parsed.ptr == token.data() + token.size();
    length_value_ = whole ? value : 0;
  }

 private:
  RequestsManager requests_;
  Context context_;
  nlohmann::json extra_ = nlohmann::json::object();
  std::string_view length_;
  std::int64_t length_value_ = 0;
  std::size_t length_index_ = 0;
};

// What PYLOGEN_REGISTER_CUT exports. abi_version and layout are read and
// checked before any function of the plugin is called.
struct CutDescriptor {
  std::uint32_t abi_version;
  std::uint32_t layout;  // fingerprint of the types crossing the boundary
  const char* class_name;
  ClassUnderTest* (*create)();
  void (*destroy)(ClassUnderTest*);
};

// Fingerprint of the layout of the boundary types as this compiler sees them.
constexpr std::uint32_t LayoutFingerprint() {
  return static_cast<std::uint32_t>(sizeof(ClassUnderTest)) * 1000003u ^
         static_cast<std::uint32_t>(sizeof(Request)) * 10007u ^
         static_cast<std::uint32_t>(sizeof(Context)) * 101u ^
         static_cast<std::uint32_t>(sizeof(nlohmann::json)) ^
         (NLOHMANN_JSON_VERSION_MAJOR * 100u + NLOHMANN_JSON_VERSION_MINOR) << 20;
}

inline constexpr const char* kDescriptorSymbol = "pylogen_cut_descriptor";

}  // namespace pylogen

// Registers `Class` (default-constructible, derived from ClassUnderTest) as
// the CUT of this shared library. Use once per library, at namespace scope.
#define PYLOGEN_REGISTER_CUT(Class)                                              \
  extern "C" __attribute__((visibility("default")))                              \
  const ::pylogen::CutDescriptor pylogen_cut_descriptor = {                      \
      ::pylogen::kAbiVersion, ::pylogen::LayoutFingerprint(), #Class,            \
      []() -> ::pylogen::ClassUnderTest* { return new Class(); },                \
      [](::pylogen::ClassUnderTest* cut) { delete cut; }}

#endif  // PYLOGEN_CUT_H_
