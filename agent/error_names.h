// Error names: a platform's native error number -> the portable ErrorName of
// agent.proto, plus the platform's own name and number. Each platform has one
// table in a file named for it (error_names_posix.cc, error_names_lwip.cc,
// error_names_winsock.cc) and exports one function; the Platform struct says
// which one applies. The portable string form is ErrorName_Name(), generated
// by protobuf, never a second hand-written table.
//
// Thread safety: the functions are pure and safe for concurrent use.
#ifndef CLOSEPROBE_AGENT_ERROR_NAMES_H_
#define CLOSEPROBE_AGENT_ERROR_NAMES_H_

#include <string>

#include "closeprobe/v1/agent.pb.h"

namespace closeprobe::agent {

struct ErrorInfo {
  v1::ErrorName name = v1::ERROR_NAME_OK;
  std::string native_name;  // "ECONNRESET", "WSAECONNRESET"; "" for success
  int native_code = 0;
};

// Maps one native error number; 0 means success. Unknown numbers map to
// ERROR_NAME_OTHER with a native name such as "errno 1234".
using ErrorNameTable = ErrorInfo (*)(int native_error);

// The tables this build may contain (each defined in its platform's file).
ErrorInfo PosixErrorName(int native_error);
ErrorInfo LwipErrorName(int native_error);
ErrorInfo GvisorErrorName(int native_error);
ErrorInfo WinsockErrorName(int native_error);

}  // namespace closeprobe::agent

#endif  // CLOSEPROBE_AGENT_ERROR_NAMES_H_
