// errno -> portable error name, for POSIX stacks (the packetdrill
// symbols_<os>.c pattern). The native name is the errno macro's name.
#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/error_names.h"

namespace closeprobe::agent {
namespace {

struct Row {
  int code;
  const char* native_name;
  v1::ErrorName name;
};

#define CLOSEPROBE_ROW(e) {e, #e, v1::ERROR_NAME_##e}
constexpr Row kTable[] = {
    CLOSEPROBE_ROW(ECONNRESET),   CLOSEPROBE_ROW(EPIPE),
    CLOSEPROBE_ROW(EADDRINUSE),   CLOSEPROBE_ROW(EADDRNOTAVAIL),
    CLOSEPROBE_ROW(EWOULDBLOCK),  CLOSEPROBE_ROW(EINPROGRESS),
    CLOSEPROBE_ROW(EALREADY),     CLOSEPROBE_ROW(ECONNREFUSED),
    CLOSEPROBE_ROW(ECONNABORTED), CLOSEPROBE_ROW(ETIMEDOUT),
    CLOSEPROBE_ROW(EHOSTUNREACH), CLOSEPROBE_ROW(ENETUNREACH),
    CLOSEPROBE_ROW(ENOTCONN),     CLOSEPROBE_ROW(EISCONN),
    CLOSEPROBE_ROW(EINVAL),       CLOSEPROBE_ROW(EBADF),
    CLOSEPROBE_ROW(ENOTSOCK),     CLOSEPROBE_ROW(EACCES),
    CLOSEPROBE_ROW(EINTR),        CLOSEPROBE_ROW(ENOBUFS),
    CLOSEPROBE_ROW(EMFILE),       CLOSEPROBE_ROW(ENOPROTOOPT),
    CLOSEPROBE_ROW(EOPNOTSUPP),   CLOSEPROBE_ROW(EAFNOSUPPORT),
    CLOSEPROBE_ROW(ESHUTDOWN),    CLOSEPROBE_ROW(ENETDOWN),
    CLOSEPROBE_ROW(ENETRESET),    CLOSEPROBE_ROW(EMSGSIZE),
    CLOSEPROBE_ROW(EFAULT),       CLOSEPROBE_ROW(ENOMEM),
};
#undef CLOSEPROBE_ROW

}  // namespace

ErrorInfo PosixErrorName(int native_error) {
  if (native_error == 0) return {v1::ERROR_NAME_OK, "", 0};
  // EAGAIN and EWOULDBLOCK are one value on Linux, two on some BSDs.
  if (native_error == EAGAIN) {
    return {v1::ERROR_NAME_EWOULDBLOCK, "EAGAIN", native_error};
  }
  for (const Row& row : kTable) {
    if (row.code == native_error) {
      return {row.name, row.native_name, native_error};
    }
  }
  return {v1::ERROR_NAME_OTHER, absl::StrCat("errno ", native_error),
          native_error};
}

}  // namespace closeprobe::agent
