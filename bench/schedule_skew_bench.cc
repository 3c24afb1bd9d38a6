// How close together two agents' calls of one group start: scheduled (each
// call carries one start instant and its agent holds it until then) against
// issued one after the other, as the controller did before scheduling.
// Two in-process agents, each its own gRPC server on 127.0.0.1; per group
// each opens a socket and closes it, the close scheduled as
// simultaneous_close schedules its closes (the close handler does
// bookkeeping first, which must not take the held instant). The agents share
// this host's monotonic clock, so their start stamps compare directly.
// Reports the skew between the two starts and how late each start was.
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
    session_ = session.session();
  }

  // A new socket closed at `at` (at once when 0): the close's start and
  // the instant the agent says was requested.
  v1::CallResult Close(int64_t at) {
    grpc::ClientContext socket_ctx;
    v1::SocketRequest sreq;
    sreq.set_session(session_);
    v1::SocketReply socket;
    if (!stub_->Socket(&socket_ctx, sreq, &socket).ok()) std::abort();
    grpc::ClientContext ctx;
    if (at > 0) ctx.AddMetadata(agent::kStartAtMetadata, std::to_string(at));
    v1::HandleRequest close;
    close.set_session(session_);
    close.set_handle(socket.handle());
    v1::CallReply reply;
    if (!stub_->Close(&ctx, close, &reply).ok()) std::abort();
    return reply.result();
  }

 private:
  InProcessAgent agent_;
  std::unique_ptr<v1::Agent::Stub> stub_;
  std::string session_;
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
  for (int i = 0; i < 100; ++i) a.Close(0), b.Close(0);  // warm both channels
  std::vector<double> scheduled, late, sequential;
  int unheld = 0;
  for (int i = 0; i < groups; ++i) {
    // As the controller does: one call from a background thread, one from
    // the foreground, both for the same instant 30 ms ahead (the lead the
    // controller gives local agents, controller/run/step_executor.cc).
    const int64_t at = agent::MonotonicNowNs() + 30'000'000;
    v1::CallResult ra;  // filled by the background thread
    std::thread background([&] { ra = a.Close(at); });
    v1::CallResult rb = b.Close(at);
    background.join();
    for (const v1::CallResult* r : {&ra, &rb}) {
      if (r->requested_start_mono_ns() != at) ++unheld;
      late.push_back((r->start_mono_ns() - at) / 1e3);
    }
    scheduled.push_back(std::abs(rb.start_mono_ns() - ra.start_mono_ns()) / 1e3);
    // Before: the foreground call is issued, then the other.
    const int64_t first = a.Close(0).start_mono_ns();
    const int64_t second = b.Close(0).start_mono_ns();
    sequential.push_back(std::abs(second - first) / 1e3);
  }
  Print("scheduled close(): skew of the two", scheduled);
  Print("scheduled close(): start - requested", late);
  Print("one after the other (no schedule)", sequential);
  std::printf("scheduled closes whose agent did not hold the close itself: %d of %d\n", unheld,
              2 * groups);
  return 0;
}
