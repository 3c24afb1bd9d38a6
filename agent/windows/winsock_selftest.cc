// The Winsock backend's self-test: real Winsock calls through the agent's
// SocketApi, the error table, the IP Helper TCP table and the platform info.
// Cross-compiled with mingw-w64 and run under Wine by
// scripts/winsock_selftest.sh; on Windows it runs as it is. Under Wine the
// TCP stack beneath is Linux's: this checks the backend's code, and its
// results are never Windows results.
// The agent's headers first: agent.pb.h has a field named `interface`,
// which <winsock2.h> (through objbase.h) defines as a macro.
#include "agent/windows/platform_info_windows.h"
#include "agent/windows/socket_api_winsock.h"
#include "agent/windows/tcp_table_windows.h"
#include "agent/windows/winsock_errors.h"

#include <winsock2.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace closeprobe::agent {
namespace {

int failures = 0;

void Check(bool ok, const std::string& what, const std::string& detail = "") {
  std::printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what.c_str(),
              detail.empty() ? "" : ": ", detail.c_str());
  if (!ok) ++failures;
}

std::string Portable(int code) {
  const WinsockError* e = FindWinsockError(code);
  return e == nullptr ? "none" : e->portable;
}

std::string Described(const CallResult& r) {
  const WinsockError* e = FindWinsockError(r.native_error);
  return "ret=" + std::to_string(r.ret) +
         " error=" + std::to_string(r.native_error) + " (" +
         (e != nullptr ? e->wsa_name : "-") + ")" +
         (r.timed_out ? " timed out" : "");
}

const char* StateOf(const Endpoint& local, const Endpoint& remote) {
  std::vector<TcpRow> rows;
  unsigned long error = 0;
  if (!ReadTcpTable(&rows, &error)) return "table unreadable";
  for (const TcpRow& row : rows) {
    if (row.local.port == local.port && row.remote.port == remote.port)
      return row.state;
  }
  return "absent";
}

// A connected pair: a listener, a client and the accepted socket.
struct Pair {
  NativeSocket listener = kNoSocket, client = kNoSocket, server = kNoSocket;
  Endpoint client_end, server_end;
};

bool Connect(SocketApi& api, Pair* p) {
  api.Socket(v1::ADDRESS_FAMILY_INET, &p->listener);
  if (api.Bind(p->listener, {"127.0.0.1", 0}).ret != 0) return false;
  if (api.Listen(p->listener, 4).ret != 0) return false;
  api.LocalEndpoint(p->listener, &p->server_end);
  api.Socket(v1::ADDRESS_FAMILY_INET, &p->client);
  if (api.Connect(p->client, p->server_end, absl::Seconds(5)).ret != 0)
    return false;
  Endpoint peer;
  if (api.Accept(p->listener, absl::Seconds(5), &p->server, &peer).ret < 0)
    return false;
  api.LocalEndpoint(p->client, &p->client_end);
  return true;
}

void ErrorTable() {
  Check(Portable(WSAECONNRESET) == "ECONNRESET", "WSAECONNRESET is ECONNRESET");
  Check(Portable(WSAEWOULDBLOCK) == "EWOULDBLOCK",
        "WSAEWOULDBLOCK is EWOULDBLOCK");
  Check(Portable(WSAEADDRINUSE) == "EADDRINUSE", "WSAEADDRINUSE is EADDRINUSE");
  Check(Portable(WSAESHUTDOWN) == "ESHUTDOWN", "WSAESHUTDOWN is ESHUTDOWN");
  Check(Portable(WSAETIMEDOUT) == "ETIMEDOUT", "WSAETIMEDOUT is ETIMEDOUT");
  Check(FindWinsockError(WSAECONNRESET)->code == 10054,
        "WSAECONNRESET keeps its number 10054");
  Check(FindWinsockError(12345) == nullptr,
        "an unknown code has no portable name");
}

void Calls(SocketApi& api) {
  Pair p;
  Check(Connect(api, &p), "listen, connect and accept on 127.0.0.1");
  Check(std::string(StateOf(p.client_end, p.server_end)) == "ESTABLISHED",
        "GetExtendedTcpTable shows the client ESTABLISHED",
        StateOf(p.client_end, p.server_end));

  CallResult sent = api.Send(p.client, "hello", IoFlags(), absl::Seconds(2));
  std::string got;
  CallResult read = api.Recv(p.server, 100, IoFlags(), absl::Seconds(2), &got);
  Check(sent.ret == 5 && got == "hello", "send and recv 5 bytes",
        Described(read));

  PollEvents out_wanted, fired;
  out_wanted.out = true;
  CallResult writable = api.Poll(p.client, out_wanted, absl::Seconds(1), &fired);
  Check(writable.ret == 1 && fired.out && !fired.in, "WSAPoll: a connected socket is writable",
        Described(writable));
  PollEvents rdhup;
  rdhup.read_hangup = true;
  Check(api.Poll(p.client, rdhup, absl::Milliseconds(10), &fired).unsupported,
        "WSAPoll has no POLLRDHUP: unsupported");
  Endpoint peer_name;
  CallResult named = api.Name(p.client, NameOf::kPeer, &peer_name);
  Check(named.ret == 0 && peer_name.port == p.server_end.port,
        "getpeername names the listener's port", Described(named));
  IoFlags dont_wait;
  dont_wait.dont_wait = true;
  Check(api.Recv(p.server, 100, dont_wait, absl::Seconds(1), &got).unsupported,
        "Winsock has no MSG_DONTWAIT: unsupported");
  IoFlags peek;
  peek.peek = true;
  api.Send(p.client, "again", IoFlags(), absl::Seconds(2));
  api.Recv(p.server, 100, peek, absl::Seconds(2), &got);
  std::string after_peek;
  api.Recv(p.server, 100, IoFlags(), absl::Seconds(2), &after_peek);
  Check(got == "again" && after_peek == "again", "MSG_PEEK leaves the data queued",
        got + " / " + after_peek);

  CallResult idle =
      api.Recv(p.server, 100, IoFlags(), absl::Milliseconds(200), &got);
  Check(idle.timed_out,
        "a blocking recv with no data gives up at the agent's deadline",
        Described(idle));

  api.SetBlocking(p.listener, false);
  NativeSocket none = kNoSocket;
  Endpoint peer;
  CallResult would_block =
      api.Accept(p.listener, absl::Seconds(1), &none, &peer);
  Check(Portable(would_block.native_error) == "EWOULDBLOCK",
        "non-blocking accept with nothing pending: WSAEWOULDBLOCK",
        Described(would_block));

  NativeSocket thief = kNoSocket;
  api.Socket(v1::ADDRESS_FAMILY_INET, &thief);
  CallResult in_use = api.Bind(thief, p.server_end);
  Check(Portable(in_use.native_error) == "EADDRINUSE",
        "binding the listener's port: WSAEADDRINUSE", Described(in_use));
  api.Close(thief);

  NativeSocket exclusive = kNoSocket;
  api.Socket(v1::ADDRESS_FAMILY_INET, &exclusive);
  OptionValue on;
  on.enabled = true;
  Check(api.SetOption(exclusive, v1::SOCKET_OPTION_SO_EXCLUSIVEADDRUSE, on).ret == 0,
        "SO_EXCLUSIVEADDRUSE can be set");
  OptionValue linger;
  linger.linger_on = true;
  linger.linger_seconds = 5;
  api.SetOption(exclusive, v1::SOCKET_OPTION_SO_LINGER, linger);
  OptionValue back;
  api.GetOption(exclusive, v1::SOCKET_OPTION_SO_LINGER, &back);
  Check(back.linger_on && back.linger_seconds == 5,
        "SO_LINGER {1,5} reads back");
  OptionValue reuseport;
  Check(api.SetOption(exclusive, v1::SOCKET_OPTION_SO_REUSEPORT, on).unsupported,
        "SO_REUSEPORT is not supported on Windows");
  api.Close(exclusive);

  // SO_LINGER {1,0}: a hard close; the peer's recv sees the reset.
  OptionValue hard;
  hard.linger_on = true;
  api.SetOption(p.client, v1::SOCKET_OPTION_SO_LINGER, hard);
  Check(api.Close(p.client).ret == 0, "closesocket with SO_LINGER {1,0}");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CallResult reset = api.Recv(p.server, 100, IoFlags(), absl::Seconds(2), &got);
  CallResult send_after = api.Send(p.server, "x", IoFlags(), absl::Seconds(1));
  // Windows documents WSAECONNRESET on the recv; Wine (on Linux's stack)
  // has been seen to return 0 there and report the reset on the next send.
  Check(Portable(reset.native_error) == "ECONNRESET" ||
            Portable(send_after.native_error) == "ECONNRESET",
        "the hard close reaches the peer as WSAECONNRESET (recv or the next "
        "send)",
        "recv " + Described(reset) + ", send " + Described(send_after));
  api.Close(p.server);
  api.Close(p.listener);

  // An orderly close: the client closes first and keeps the TIME_WAIT.
  Pair q;
  Check(Connect(api, &q), "a second connection");
  api.Shutdown(q.client, v1::SHUTDOWN_HOW_WRITE);
  CallResult eof = api.Recv(q.server, 100, IoFlags(), absl::Seconds(2), &got);
  Check(eof.ret == 0, "shutdown(SD_SEND): the peer reads EOF", Described(eof));
  api.Close(q.client);
  api.Close(q.server);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string after = StateOf(q.client_end, q.server_end);
  Check(after == "TIME_WAIT",
        "GetExtendedTcpTable shows the active closer in TIME_WAIT", after);
  api.Close(q.listener);
}

// Under Wine (ntdll exports wine_get_version) the agent must not call
// itself windows: the TCP stack underneath is the host's.
void Info() {
  PlatformDescription d = NewWindowsPlatformInfo({})->Describe();
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  const bool wine = ntdll != nullptr && GetProcAddress(ntdll, "wine_get_version") != nullptr;
  if (wine) {
    Check(d.platform == "wine", "Info: under Wine the platform is wine, not windows", d.platform);
    Check(d.os.rfind("Wine ", 0) == 0 && !d.stack_version.empty(),
          "Info: Wine's version and the host stack's release", d.os);
  } else {
    Check(d.platform == "windows", "Info: platform windows");
    Check(d.os.rfind("Windows ", 0) == 0 && !d.stack_version.empty(),
          "Info: the Windows version", d.os);
  }
  Check(!d.hostname.empty(), "Info: the hostname", d.hostname);
}

}  // namespace
}  // namespace closeprobe::agent

int main() {
  using namespace closeprobe::agent;
  WinsockSession winsock;
  Check(winsock.ok(), "WSAStartup");
  if (!winsock.ok()) return 1;
  ErrorTable();
  std::unique_ptr<SocketApi> api = NewWinsockSocketApi();
  Calls(*api);
  Info();
  std::printf("%d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
