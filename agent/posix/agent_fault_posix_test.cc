// The gRPC service over the kernel's Calls row with a poll() a test can
// break (tests/testutil/broken_poll_posix.h): a failure of the agent's own
// machinery reaches the controller as an INTERNAL status naming it, never as
// a socket outcome. Beside the row it breaks, since the agent's core tests
// include no platform folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/bsd/bsd_socket_api.h"
#include "tests/testutil/agent_fixture.h"
#include "tests/testutil/broken_poll_posix.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::Agent::Stub;

class AgentFaultPosixTest : public AgentFixture {};

// The agent's own poll failing is its fault, answered INTERNAL with what
// failed: never an error event, nor an EWOULDBLOCK, that the stack did not give.
TEST_F(AgentFaultPosixTest, APollThatFailsInTheAgentIsAnInternalErrorNotAnOutcome) {
  absl::StatusOr<agent::Platform> platform = agent::NewPlatform();
  ASSERT_TRUE(platform.ok()) << platform.status();
  platform->sockets = std::make_unique<agent::BsdSocketApi<BrokenPollCalls>>();
  Start(std::move(*platform), agent::AgentOptions());
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  v1::PollRequest poll;
  poll.set_session(s);
  poll.set_handle(server);
  poll.add_events(v1::POLL_EVENT_IN);
  poll.set_deadline_ms(1000);
  v1::RecvRequest recv;
  recv.set_session(s);
  recv.set_handle(server);
  recv.set_max_bytes(100);
  recv.set_deadline_ms(1000);
  v1::PollReply polled;
  v1::RecvReply received;
  BrokenPollCalls::mode = BrokenPollCalls::Mode::kFails;
  const grpc::Status poll_status = Call(&Stub::Poll, poll, &polled);
  const grpc::Status recv_status = Call(&Stub::Recv, recv, &received);
  BrokenPollCalls::mode = BrokenPollCalls::Mode::kWorks;
  for (const grpc::Status& st : {poll_status, recv_status}) {
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_THAT(st.error_message(), HasSubstr("agent fault: the agent's poll() failed with ENOMEM"));
  }
  EXPECT_FALSE(polled.has_result());
  EXPECT_FALSE(received.has_result());
}

}  // namespace
}  // namespace closeprobe::testing
