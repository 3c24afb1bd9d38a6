// Error names of an executor's stack: the names its replies gave (ERR
// errno=NAME errno_raw=N), kept by number; the portable enum comes from
// protobuf's ErrorName_Parse.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "agent/executor/executor_board.h"

namespace closeprobe::agent {
namespace {

struct Learnt {
  absl::Mutex mu;
  std::map<int, std::string> names ABSL_GUARDED_BY(mu);
};

Learnt& Names() {
  static Learnt* const learnt = new Learnt;  // never destroyed: used until exit
  return *learnt;
}

}  // namespace

void RememberExecutorErrno(int number, const std::string& name) {
  Learnt& l = Names();
  absl::MutexLock lock(&l.mu);
  l.names[number] = name;
}

ErrorInfo ExecutorErrorName(int native_error) {
  ErrorInfo info;
  if (native_error == 0) return info;
  info.native_code = native_error;
  if (native_error == kExecutorNoReply) {
    info.name = v1::ERROR_NAME_OTHER;
    info.native_name = "no reply from the executor";
    return info;
  }
  std::string name;
  {
    Learnt& l = Names();
    absl::MutexLock lock(&l.mu);
    auto it = l.names.find(native_error);
    if (it != l.names.end()) name = it->second;
  }
  v1::ErrorName portable = v1::ERROR_NAME_OTHER;
  if (native_error == kExecutorReset) {
    info.name = v1::ERROR_NAME_OTHER;
    info.native_name = name.empty() ? "the executor restarted" : name;
    return info;
  }
  if (!name.empty() && name != "OTHER" && v1::ErrorName_Parse("ERROR_NAME_" + name, &portable)) {
    info.name = portable;
    info.native_name = name;
  } else {
    info.name = v1::ERROR_NAME_OTHER;
    info.native_name = absl::StrCat("errno ", native_error);
  }
  return info;
}

}  // namespace closeprobe::agent
