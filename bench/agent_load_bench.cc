// Load on one agent: many controllers at once, each with a session of its
// own (its own gRPC connection), creating, binding and querying sockets,
// then closing the session. Prints throughput, call latency percentiles and
// the agent's memory and file descriptors before, at peak and after.
//
//   build/bin/agent_load_bench [--sessions 200] [--sockets 50]
//   [--check_no_leak]
//
// The agent is a separate process (build/bin/closeprobe-agent, or
// --agent PATH). With --check_no_leak the exit status is 1 if the agent
// holds more file descriptors after every session closed than before.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int sessions = 200;
  int sockets = 50;  // per session
  bool check_no_leak = false;
  std::string agent;
};

long StatusField(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0)
      return std::atol(line.c_str() + std::strlen(field));
  }
  return -1;
}

int OpenFds(pid_t pid) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(
           "/proc/" + std::to_string(pid) + "/fd", ec);
       it != std::filesystem::directory_iterator(); ++it) {
    ++n;
  }
  return n;
}

// Starts the agent on a free loopback port; its port, or 0.
int StartAgent(const Options& o, pid_t* pid) {
  const std::string port_file =
      "/tmp/closeprobe-load-" + std::to_string(getpid());
  *pid = fork();
  if (*pid == 0) {
    const std::string sessions =
        "--max_sessions=" + std::to_string(o.sessions + 8);
    const std::string sockets =
        "--max_sockets_per_session=" + std::to_string(o.sockets + 8);
    const std::string port = "--port_file=" + port_file;
    execl(o.agent.c_str(), o.agent.c_str(), "--listen=127.0.0.1:0",
          port.c_str(), sessions.c_str(), sockets.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(port_file);
    int p = 0;
    if (in >> p && p > 0) {
      std::filesystem::remove(port_file);
      return p;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

// One controller: a session, its sockets, then the session closed.
void Controller(const std::string& target, int sockets, std::vector<double>* us,
                std::atomic<int>* failures) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,
              1);  // a connection of its own
  auto stub = v1::Agent::NewStub(grpc::CreateCustomChannel(
      target, grpc::InsecureChannelCredentials(), args));
  auto call = [&](auto method, const auto& req, auto* reply) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(60));
    const auto t0 = Clock::now();
    grpc::Status s = (stub.get()->*method)(&ctx, req, reply);
    us->push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!s.ok()) {
      if (failures->fetch_add(1) < 5) {
        std::fprintf(stderr, "agent_load_bench: %s\n",
                     s.error_message().c_str());
      }
    }
    return s.ok();
  };
  v1::OpenSessionRequest open;
  open.set_lease_ms(60000);
  v1::OpenSessionReply session;
  if (!call(&v1::Agent::Stub::OpenSession, open, &session)) return;
  for (int i = 0; i < sockets; ++i) {
    v1::SocketRequest sock;
    sock.set_session(session.session());
    v1::SocketReply made;
    if (!call(&v1::Agent::Stub::Socket, sock, &made)) continue;
    v1::BindRequest bind;
    bind.set_session(session.session());
    bind.set_handle(made.handle());
    bind.mutable_local()->set_address("127.0.0.1");
    v1::CallReply bound;
    call(&v1::Agent::Stub::Bind, bind, &bound);
    v1::GetOptionRequest get;
    get.set_session(session.session());
    get.set_handle(made.handle());
    get.set_option(v1::SOCKET_OPTION_SO_REUSEADDR);
    v1::GetOptionReply value;
    call(&v1::Agent::Stub::GetOption, get, &value);
  }
  v1::SessionRequest close;
  close.set_session(session.session());
  v1::CloseSessionReply closed;
  call(&v1::Agent::Stub::CloseSession, close, &closed);
}

int Run(const Options& o) {
  pid_t agent = -1;
  const int port = StartAgent(o, &agent);
  if (port == 0) {
    std::fprintf(stderr, "agent_load_bench: the agent did not start (%s)\n",
                 o.agent.c_str());
    return 2;
  }
  const std::string target = "127.0.0.1:" + std::to_string(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const int fds_before = OpenFds(agent);
  const long rss_before = StatusField(agent, "VmRSS:");

  std::vector<std::vector<double>> latencies(o.sessions);
  std::atomic<int> failures{0};
  std::atomic<int> peak_fds{0};
  std::atomic<bool> running{true};
  std::thread sampler([&] {
    while (running) {
      peak_fds = std::max(peak_fds.load(), OpenFds(agent));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const auto t0 = Clock::now();
  std::vector<std::thread> controllers;
  for (int i = 0; i < o.sessions; ++i) {
    controllers.emplace_back(Controller, target, o.sockets, &latencies[i],
                             &failures);
  }
  for (auto& t : controllers) t.join();
  const double seconds =
      std::chrono::duration<double>(Clock::now() - t0).count();
  running = false;
  sampler.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int fds_after = OpenFds(agent);
  const long rss_peak = StatusField(agent, "VmHWM:");
  const long rss_after = StatusField(agent, "VmRSS:");
  kill(agent, SIGTERM);
  waitpid(agent, nullptr, 0);

  std::vector<double> all;
  for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(all.size() * p))];
  };
  std::printf(
      "agent_load_bench: %d concurrent sessions x %d sockets = %d sockets, %zu "
      "calls in %.2f s "
      "(%.0f calls/s), %d failed\n"
      "  latency us: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f\n"
      "  agent memory: RSS %ld kB before, peak %ld kB, %ld kB after\n"
      "  agent file descriptors: %d before, peak %d, %d after the sessions "
      "closed\n",
      o.sessions, o.sockets, o.sessions * o.sockets, all.size(), seconds,
      all.size() / seconds, failures.load(), pct(0.5), pct(0.9), pct(0.99),
      all.empty() ? 0.0 : all.back(), rss_before, rss_peak, rss_after,
      fds_before, peak_fds.load(), fds_after);
  if (failures > 0) return 1;
  if (o.check_no_leak && fds_after > fds_before) {
    std::fprintf(stderr, "agent_load_bench: %d file descriptors leaked\n",
                 fds_after - fds_before);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace closeprobe

int main(int argc, char** argv) {
  closeprobe::Options o;
  o.agent = std::filesystem::path(argv[0]).parent_path() / "closeprobe-agent";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] {
      return i + 1 < argc ? std::string(argv[++i]) : std::string();
    };
    if (a == "--sessions") {
      o.sessions = std::atoi(next().c_str());
    } else if (a == "--sockets") {
      o.sockets = std::atoi(next().c_str());
    } else if (a == "--check_no_leak") {
      o.check_no_leak = true;
    } else if (a == "--agent") {
      o.agent = next();
    } else {
      std::fprintf(
          stderr,
          "usage: agent_load_bench [--sessions N] [--sockets N per session] "
          "[--check_no_leak] [--agent PATH]\n");
      return 2;
    }
  }
  if (o.sessions < 1 || o.sockets < 1) return 2;
  return closeprobe::Run(o);
}
