// Per-call cost of going through the agent: the same socket call made
// directly and through the Agent gRPC API over TCP loopback, with p50/p99.
// Run: build/bin/agent_roundtrip_bench (Google Benchmark flags apply); with
// CLOSEPROBE_AGENT_TARGET=127.0.0.1:PORT it measures a running agent process.
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/support/byte_buffer.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "bench/in_process_agent.h"

namespace closeprobe {
namespace {

using Clock = std::chrono::steady_clock;

// Times every iteration of `call` and reports p50/p99 in microseconds.
template <typename Call>
void Measure(benchmark::State& state, Call call) {
  std::vector<double> us;
  for (auto _ : state) {
    const auto t0 = Clock::now();
    if (!call()) state.SkipWithError("call failed");
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

// getsockopt(SO_REUSEADDR) made directly: the floor.
void BM_GetOptionDirect(benchmark::State& state) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  Measure(state, [fd] {
    int v = 0;
    socklen_t len = sizeof(v);
    return getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len) == 0;
  });
  close(fd);
}
BENCHMARK(BM_GetOptionDirect);

// The same call through the agent: gRPC over TCP 127.0.0.1, session and
// handle lookup, timing decorator, error mapping.
class AgentOverLoopback {
 public:
  AgentOverLoopback() {
    // CLOSEPROBE_AGENT_TARGET=HOST:PORT measures a separate agent process instead.
    const char* external = getenv("CLOSEPROBE_AGENT_TARGET");
    const std::string target =
        external != nullptr ? external : agent_.target();
    stub_ = v1::Agent::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::OpenSessionReply session;
    stub_->OpenSession(&ctx, v1::OpenSessionRequest(), &session);
    v1::SocketRequest sreq;
    sreq.set_session(session.session());
    v1::SocketReply socket;
    grpc::ClientContext ctx2;
    stub_->Socket(&ctx2, sreq, &socket);
    request_.set_session(session.session());
    request_.set_handle(socket.handle());
    request_.set_option(v1::SOCKET_OPTION_SO_REUSEADDR);
  }

  bool Renew() {
    grpc::ClientContext ctx;
    v1::SessionRequest req;
    req.set_session(request_.session());
    v1::RenewSessionReply reply;
    return stub_->RenewSession(&ctx, req, &reply).ok();
  }

  bool Call() {
    grpc::ClientContext ctx;
    v1::GetOptionReply reply;
    return stub_->GetOption(&ctx, request_, &reply).ok();
  }

 private:
  InProcessAgent agent_;
  std::unique_ptr<v1::Agent::Stub> stub_;
  v1::GetOptionRequest request_;
};

void BM_GetOptionThroughAgent(benchmark::State& state) {
  AgentOverLoopback agent;
  for (int i = 0; i < 200; ++i) agent.Call();  // warm the channel
  Measure(state, [&] { return agent.Call(); });
}
BENCHMARK(BM_GetOptionThroughAgent)->UseRealTime();

// The gRPC floor: the cheapest call the agent serves (a lease renewal, no
// socket call), to tell transport cost from the agent's own work.
void BM_RenewSessionThroughAgent(benchmark::State& state) {
  AgentOverLoopback agent;
  for (int i = 0; i < 200; ++i) agent.Renew();
  Measure(state, [&] { return agent.Renew(); });
}
BENCHMARK(BM_RenewSessionThroughAgent)->UseRealTime();

// The agent's cost against bare gRPC, measured side by side in one run: each
// iteration makes one GetOption through the agent and one health Check (the
// server's own service: no agent code) on the same server and transport.
// Reports both medians and their ratio; arg 0 = TCP 127.0.0.1, 1 = unix socket.
void BM_AgentCallVersusBareGrpc(benchmark::State& state) {
  InProcessAgent agent;
  const std::string target = state.range(0) == 0 ? agent.target() : agent.unix_target();
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto stub = v1::Agent::NewStub(channel);
  // The health Check, called as a generated sync stub would call it; its
  // empty request is zero bytes.
  const grpc::internal::RpcMethod check("/grpc.health.v1.Health/Check",
                                        grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext open_ctx, socket_ctx;
  v1::OpenSessionReply session;
  stub->OpenSession(&open_ctx, v1::OpenSessionRequest(), &session);
  v1::SocketRequest sreq;
  sreq.set_session(session.session());
  v1::SocketReply socket;
  stub->Socket(&socket_ctx, sreq, &socket);
  v1::GetOptionRequest get;
  get.set_session(session.session());
  get.set_handle(socket.handle());
  get.set_option(v1::SOCKET_OPTION_SO_REUSEADDR);
  auto agent_call = [&] {
    grpc::ClientContext ctx;
    v1::GetOptionReply reply;
    return stub->GetOption(&ctx, get, &reply).ok();
  };
  auto bare_call = [&] {
    grpc::ClientContext ctx;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), reply;
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
               channel.get(), check, &ctx, request, &reply)
        .ok();
  };
  for (int i = 0; i < 300; ++i) agent_call(), bare_call();  // warm up
  std::vector<double> through_agent, bare;
  for (auto _ : state) {
    auto t0 = Clock::now();
    if (!agent_call()) state.SkipWithError("agent call failed");
    through_agent.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    t0 = Clock::now();
    if (!bare_call()) state.SkipWithError("bare call failed");
    bare.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  if (bare.empty()) return;
  std::sort(through_agent.begin(), through_agent.end());
  std::sort(bare.begin(), bare.end());
  const double a = through_agent[through_agent.size() / 2], b = bare[bare.size() / 2];
  state.counters["agent_p50_us"] = a;
  state.counters["bare_p50_us"] = b;
  state.counters["ratio"] = a / b;
  state.SetLabel(state.range(0) == 0 ? "tcp" : "unix");
}
BENCHMARK(BM_AgentCallVersusBareGrpc)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
}  // namespace closeprobe

BENCHMARK_MAIN();
