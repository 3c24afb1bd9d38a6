#include "agent/windows/tcp_table_windows.h"

// winsock2 before windows.h (iphlpapi pulls it in).
// winsock2.h first: iphlpapi.h includes windows.h.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <iphlpapi.h>

#include <vector>

namespace closeprobe::agent {

const char* MibTcpStateName(unsigned long mib_state) {
  switch (mib_state) {
    case MIB_TCP_STATE_CLOSED:
      return "CLOSED";
    case MIB_TCP_STATE_LISTEN:
      return "LISTEN";
    case MIB_TCP_STATE_SYN_SENT:
      return "SYN_SENT";
    case MIB_TCP_STATE_SYN_RCVD:
      return "SYN_RECEIVED";
    case MIB_TCP_STATE_ESTAB:
      return "ESTABLISHED";
    case MIB_TCP_STATE_FIN_WAIT1:
      return "FIN_WAIT_1";
    case MIB_TCP_STATE_FIN_WAIT2:
      return "FIN_WAIT_2";
    case MIB_TCP_STATE_CLOSE_WAIT:
      return "CLOSE_WAIT";
    case MIB_TCP_STATE_CLOSING:
      return "CLOSING";
    case MIB_TCP_STATE_LAST_ACK:
      return "LAST_ACK";
    case MIB_TCP_STATE_TIME_WAIT:
      return "TIME_WAIT";
    default:
      return "CLOSED";  // MIB_TCP_STATE_DELETE_TCB: on its way out
  }
}

bool ReadTcpTable(std::vector<TcpRow>* rows, unsigned long* error) {
  rows->clear();
  std::vector<char> buffer(16 * 1024);
  DWORD size = static_cast<DWORD>(buffer.size());
  DWORD r = ERROR_INSUFFICIENT_BUFFER;
  // The table may grow between the size query and the read: retry a few times.
  for (int attempt = 0; attempt < 4 && r == ERROR_INSUFFICIENT_BUFFER;
       ++attempt) {
    buffer.resize(size);
    r = GetExtendedTcpTable(buffer.data(), &size, FALSE, AF_INET,
                            TCP_TABLE_OWNER_PID_ALL, 0);
  }
  if (r != NO_ERROR) {
    if (error != nullptr) *error = r;
    return false;
  }
  const auto* table =
      reinterpret_cast<const MIB_TCPTABLE_OWNER_PID*>(buffer.data());
  for (DWORD i = 0; i < table->dwNumEntries; ++i) {
    const MIB_TCPROW_OWNER_PID& row = table->table[i];
    TcpRow out;
    char text[INET_ADDRSTRLEN] = {};
    in_addr a;
    a.s_addr = row.dwLocalAddr;
    inet_ntop(AF_INET, &a, text, sizeof(text));
    out.local = {text, ntohs(static_cast<u_short>(row.dwLocalPort))};
    a.s_addr = row.dwRemoteAddr;
    inet_ntop(AF_INET, &a, text, sizeof(text));
    out.remote = {text, ntohs(static_cast<u_short>(row.dwRemotePort))};
    out.state = MibTcpStateName(row.dwState);
    out.pid = row.dwOwningPid;
    rows->push_back(out);
  }
  return true;
}

}  // namespace closeprobe::agent
