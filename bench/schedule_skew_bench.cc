// How close together two agents' calls of one group start: scheduled (each
// call carries one start instant and its agent holds it until then) against
// issued one after the other, as the controller did before scheduling.
// Two in-process agents, each its own gRPC server on 127.0.0.1, one
// set_blocking call on each per group; the agents share this host's
// monotonic clock, so their start stamps compare directly.
// Run: build/bin/schedule_skew_bench [GROUPS] (default 1000). Figures, not
// assertions.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "agent/scheduled_start.h"
#include "agent/timed_socket_api.h"
#include "bench/in_process_agent.h"

namespace closeprobe {
namespace {

class ScheduledCaller {
 public:
  ScheduledCaller() {
    stub_ = v1::Agent::NewStub(grpc::CreateChannel(agent_.target(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext ctx;
    v1::OpenSessionRequest open;
    open.set_lease_ms(60000);
    v1::OpenSessionReply session;
    stub_->OpenSession(&ctx, open, &session);
    grpc::ClientContext ctx2;
    v1::SocketRequest sreq;
    sreq.set_session(session.session());
    v1::SocketReply socket;
    stub_->Socket(&ctx2, sreq, &socket);
    request_.set_session(session.session());
    request_.set_handle(socket.handle());
    request_.set_blocking(true);
  }

  // One call, held until `at` when it is non-zero; its actual start.
  int64_t Call(int64_t at) {
    grpc::ClientContext ctx;
    if (at > 0) ctx.AddMetadata(agent::kStartAtMetadata, std::to_string(at));
    v1::CallReply reply;
    if (!stub_->SetBlocking(&ctx, request_, &reply).ok()) std::abort();
    return reply.result().start_mono_ns();
  }

 private:
  InProcessAgent agent_;
  std::unique_ptr<v1::Agent::Stub> stub_;
  v1::SetBlockingRequest request_;
};

void Print(const char* what, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  std::printf("%-38s p50 %9.1f us  p99 %9.1f us  max %9.1f us  (%zu groups)\n", what,
              us[us.size() / 2], us[std::min(us.size() - 1, us.size() * 99 / 100)], us.back(),
              us.size());
}

}  // namespace
}  // namespace closeprobe

int main(int argc, char** argv) {
  using namespace closeprobe;
  const int groups = argc > 1 ? std::atoi(argv[1]) : 1000;
  ScheduledCaller a, b;
  for (int i = 0; i < 100; ++i) a.Call(0), b.Call(0);  // warm both channels
  std::vector<double> scheduled, sequential;
  for (int i = 0; i < groups; ++i) {
    // As the controller does: one call from a background thread, one from
    // the foreground, both for the same instant 5 ms ahead.
    const int64_t at = agent::MonotonicNowNs() + 5'000'000;
    int64_t start_a = 0;
    std::thread background([&] { start_a = a.Call(at); });
    const int64_t start_b = b.Call(at);
    background.join();
    scheduled.push_back(std::abs(start_b - start_a) / 1e3);
    // Before: the foreground call is issued, then the other.
    const int64_t first = a.Call(0);
    const int64_t second = b.Call(0);
    sequential.push_back(std::abs(second - first) / 1e3);
  }
  Print("scheduled (one instant, two agents)", scheduled);
  Print("one after the other (no schedule)", sequential);
  return 0;
}
