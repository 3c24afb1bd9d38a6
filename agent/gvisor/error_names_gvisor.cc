// gVisor's errno values -> portable names: the errno is gVisor's own mapping
// of its tcpip error (pkg/syserr/netstack.go), in Linux's numbers, so the
// POSIX table names it; the native name is the tcpip error's.
#include "agent/error_names.h"
#include "agent/gvisor/netstack/gvisor_abi.h"

namespace closeprobe::agent {

ErrorInfo GvisorErrorName(int native_error) {
  ErrorInfo info = PosixErrorName(native_error);
  char names[512] = {};
  if (native_error != 0 &&
      closeprobe_gvisor_error_names(native_error, names, sizeof(names)) > 0) {
    info.native_name = names;
  }
  return info;
}

}  // namespace closeprobe::agent
