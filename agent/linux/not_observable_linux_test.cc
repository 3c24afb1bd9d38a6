// Through the gRPC service, with the observer of a stack without sock_diag
// (gVisor's sentry) on this kernel: a closed handle's connection is answered
// as not observable, in its own reply field with the reason, never as a
// state and never as an error the controller must read the words of.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/linux/state_observer_netlink.h"
#include "agent/platform.h"
#include "tests/testutil/agent_fixture.h"

namespace closeprobe::testing {
namespace {

using ::testing::HasSubstr;
using Stub = v1::Agent::Stub;

class NotObservableLinuxTest : public AgentFixture {
 protected:
  void SetUp() override {
    absl::StatusOr<agent::Platform> platform = agent::NewPlatform();
    ASSERT_TRUE(platform.ok()) << platform.status();
    platform->states = agent::NewTcpInfoStateObserver();
    Start(std::move(*platform), agent::AgentOptions());
  }
};

TEST_F(NotObservableLinuxTest, AClosedHandleIsAnsweredNotObservableNotAState) {
  const std::string s = OpenSession();
  const auto [lsn, client, server] = Connect(s);
  v1::StateRequest req;
  req.set_session(s);
  req.set_handle(client);
  v1::StateReply open;
  ASSERT_TRUE(Call(&Stub::GetState, req, &open).ok());
  EXPECT_EQ(open.state(), v1::TCP_STATE_ESTABLISHED);
  EXPECT_EQ(open.not_observable(), "");

  Close(s, client);  // the kernel still holds it: FIN_WAIT_2
  v1::StateReply closed;
  const grpc::Status got = Call(&Stub::GetState, req, &closed);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_THAT(closed.not_observable(), HasSubstr("a closed handle's connection"));
  EXPECT_EQ(closed.state(), v1::TCP_STATE_UNSPECIFIED);
  EXPECT_FALSE(closed.has_connection());

  const v1::WaitStateReply wait = WaitState(s, client, v1::TCP_STATE_CLOSED, 200);
  EXPECT_THAT(wait.not_observable(), HasSubstr("a closed handle's connection"));
  EXPECT_FALSE(wait.reached());
  EXPECT_EQ(wait.transitions_size(), 0);
}

}  // namespace
}  // namespace closeprobe::testing
