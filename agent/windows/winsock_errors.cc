// The Winsock error table (the packetdrill symbols_<os>.c pattern): each
// WSA code with its name and the portable name it reports as.
#include "agent/windows/winsock_errors.h"

#include <winsock2.h>

namespace closeprobe::agent {
namespace {

#define CLOSEPROBE_ROW(e) \
  { WSA##e, "WSA" #e, #e }
constexpr WinsockError kTable[] = {
    CLOSEPROBE_ROW(ECONNRESET),    CLOSEPROBE_ROW(EADDRINUSE),
    CLOSEPROBE_ROW(EADDRNOTAVAIL), CLOSEPROBE_ROW(EWOULDBLOCK),
    CLOSEPROBE_ROW(EINPROGRESS),   CLOSEPROBE_ROW(EALREADY),
    CLOSEPROBE_ROW(ECONNREFUSED),  CLOSEPROBE_ROW(ECONNABORTED),
    CLOSEPROBE_ROW(ETIMEDOUT),     CLOSEPROBE_ROW(EHOSTUNREACH),
    CLOSEPROBE_ROW(ENETUNREACH),   CLOSEPROBE_ROW(ENOTCONN),
    CLOSEPROBE_ROW(EISCONN),       CLOSEPROBE_ROW(EINVAL),
    CLOSEPROBE_ROW(EBADF),         CLOSEPROBE_ROW(ENOTSOCK),
    CLOSEPROBE_ROW(EACCES),        CLOSEPROBE_ROW(EINTR),
    CLOSEPROBE_ROW(ENOBUFS),       CLOSEPROBE_ROW(EMFILE),
    CLOSEPROBE_ROW(ENOPROTOOPT),   CLOSEPROBE_ROW(EOPNOTSUPP),
    CLOSEPROBE_ROW(EAFNOSUPPORT),  CLOSEPROBE_ROW(ESHUTDOWN),
    CLOSEPROBE_ROW(ENETDOWN),      CLOSEPROBE_ROW(ENETRESET),
    CLOSEPROBE_ROW(EMSGSIZE),      CLOSEPROBE_ROW(EFAULT),
    // Winsock has no EPIPE: a send on a connection shut down for sending
    // fails with WSAESHUTDOWN, and on a reset one with WSAECONNRESET.
};
#undef CLOSEPROBE_ROW

}  // namespace

const WinsockError* FindWinsockError(int code) {
  for (const WinsockError& row : kTable) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

}  // namespace closeprobe::agent
