// The Linux observer through the real agent: it never reports CLOSED for a
// connection the kernel still holds, even in the instant a close() on
// another thread turns the socket into an orphan. And scheduled calls start
// at their instant.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "agent/scheduled_start.h"
#include "agent/timed_socket_api.h"
#include "tests/testutil/agent_fixture.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;

class StateObserverNetlinkTest : public AgentFixture {};

// 300 connections: each client end is closed while a wait for CLOSED runs
// beside the close. The server never closes, so the client end lives on in
// FIN_WAIT_1/FIN_WAIT_2 (60 s): a CLOSED can only be invented.
TEST_F(StateObserverNetlinkTest, NoClosedWhileTheConnectionStillExists) {
  const std::string session = OpenSession(30000);
  int invented = 0;
  std::string example;
  for (int i = 0; i < 300; ++i) {
    const Connection c = Connect(session);
    v1::WaitStateReply wait;
    std::thread watcher(
        [&] { wait = WaitState(session, c.client, v1::TCP_STATE_CLOSED, 20); });
    Close(session, c.client);
    watcher.join();
    bool closed = wait.reached();
    for (const auto& t : wait.transitions()) closed |= t.state() == v1::TCP_STATE_CLOSED;
    if (closed) {
      ++invented;
      example = wait.DebugString();
    }
    Close(session, c.server);
    Close(session, c.listener);
  }
  EXPECT_EQ(invented, 0) << "e.g. " << example;
}

// Calls a socket RPC with a scheduled start; returns the RPC's status.
grpc::Status SetBlockingAt(v1::Agent::Stub* stub, const std::string& session,
                           const std::string& handle, const std::string& start_at,
                           v1::CallReply* reply) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  ctx.AddMetadata(agent::kStartAtMetadata, start_at);
  v1::SetBlockingRequest req;
  req.set_session(session);
  req.set_handle(handle);
  req.set_blocking(true);
  return stub->SetBlocking(&ctx, req, reply);
}

TEST_F(StateObserverNetlinkTest, ScheduledCallsStartAtTheirInstant) {
  const std::string session = OpenSession();
  const std::string a = NewSocket(session), b = NewSocket(session);
  const int64_t at = agent::MonotonicNowNs() + 50'000'000;  // 50 ms ahead
  v1::CallReply first, second;
  std::thread other([&] {
    EXPECT_TRUE(SetBlockingAt(stub_.get(), session, a, absl::StrCat(at), &first).ok());
  });
  EXPECT_TRUE(SetBlockingAt(stub_.get(), session, b, absl::StrCat(at), &second).ok());
  other.join();
  for (const v1::CallReply* r : {&first, &second}) {
    EXPECT_EQ(r->result().requested_start_mono_ns(), at);
    EXPECT_GE(r->result().start_mono_ns(), at);
    EXPECT_LT(r->result().start_mono_ns() - at, 200'000'000) << "started 200 ms late or more";
  }
}

TEST_F(StateObserverNetlinkTest, ABadScheduledStartIsRefusedWithTheReason) {
  const std::string session = OpenSession();
  const std::string a = NewSocket(session);
  v1::CallReply reply;
  grpc::Status s = SetBlockingAt(stub_.get(), session, a, "soon", &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("closeprobe-start-at-mono-ns"));
  s = SetBlockingAt(stub_.get(), session, a, absl::StrCat(agent::MonotonicNowNs() + 60'000'000'000),
                    &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("ahead"));
}

}  // namespace
}  // namespace closeprobe::testing
