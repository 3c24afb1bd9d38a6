// TCP states on Windows from the IP Helper table (tcp_table_windows.cc):
// a socket's connection by its 4-tuple, which also finds it in TIME_WAIT
// after closesocket. Windows gives no timer values: timer_remaining_ms -1.
#include "agent/windows/state_observer_windows.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "agent/windows/tcp_table_windows.h"

namespace closeprobe::agent {
namespace {

v1::TcpState StateOf(const char* name) {
  v1::TcpState s = v1::TCP_STATE_CLOSED;
  v1::TcpState_Parse(absl::StrCat("TCP_STATE_", name), &s);
  return s;
}

absl::StatusOr<std::vector<TcpRow>> Table() {
  std::vector<TcpRow> rows;
  unsigned long error = 0;
  if (!ReadTcpTable(&rows, &error)) {
    return absl::UnavailableError(
        absl::StrCat("GetExtendedTcpTable failed: ", error));
  }
  return rows;
}

ConnectionInfo InfoOf(const TcpRow& row) {
  ConnectionInfo c;
  c.local = row.local;
  c.remote = row.remote;
  c.state = StateOf(row.state);
  c.orphaned = row.pid == 0;  // TIME_WAIT rows belong to no process
  return c;
}

class WindowsStateObserver final : public StateObserver {
 public:
  absl::StatusOr<std::vector<ConnectionInfo>> ConnectionsOnPort(
      uint16_t port) override {
    absl::StatusOr<std::vector<TcpRow>> rows = Table();
    if (!rows.ok()) return rows.status();
    std::vector<ConnectionInfo> out;
    for (const TcpRow& row : *rows) {
      if (row.local.port == port || row.remote.port == port)
        out.push_back(InfoOf(row));
    }
    return out;
  }

  absl::StatusOr<ConnectionInfo> Find(const SocketIdentity& id) override {
    absl::StatusOr<std::vector<TcpRow>> rows = Table();
    if (!rows.ok()) return rows.status();
    for (const TcpRow& row : *rows) {
      if (row.local.port != id.local.port || row.remote.port != id.remote.port)
        continue;
      if (id.remote.port != 0 && row.remote.address != id.remote.address)
        continue;
      const ConnectionInfo info = InfoOf(row);
      if (id.remote.port == 0 && !id.OwnsUnconnected(info)) continue;  // not its listener
      return info;
    }
    ConnectionInfo closed;
    closed.local = id.local;
    closed.remote = id.remote;
    return closed;
  }
};

}  // namespace

std::unique_ptr<StateObserver> NewWindowsStateObserver() {
  return std::make_unique<WindowsStateObserver>();
}

}  // namespace closeprobe::agent
