// Which sampled state sequences TCP (and a stack's documented steps) can produce.
#include "controller/run/tcp_transitions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace closeprobe::controller {
namespace {

using ::testing::HasSubstr;

TEST(TcpTransitions, RfcSequencesPassAndSkippedStatesAreFine) {
  EXPECT_EQ(ImpossibleStep({v1::TCP_STATE_ESTABLISHED, v1::TCP_STATE_FIN_WAIT_1,
                            v1::TCP_STATE_FIN_WAIT_2, v1::TCP_STATE_TIME_WAIT,
                            v1::TCP_STATE_CLOSED}),
            "");
  EXPECT_EQ(ImpossibleStep({v1::TCP_STATE_ESTABLISHED, v1::TCP_STATE_TIME_WAIT}), "");
}

TEST(TcpTransitions, AStepOutsideTheDiagramIsAnObserverFault) {
  EXPECT_THAT(ImpossibleStep({v1::TCP_STATE_LAST_ACK, v1::TCP_STATE_FIN_WAIT_1}),
              HasSubstr("TCP has no way from one to the other"));
  EXPECT_THAT(ImpossibleStep({v1::TCP_STATE_LAST_ACK, v1::TCP_STATE_FIN_WAIT_1}, "linux"),
              HasSubstr("LAST_ACK>FIN_WAIT_1"));
  EXPECT_THAT(ImpossibleStep({v1::TCP_STATE_CLOSED, v1::TCP_STATE_ESTABLISHED,
                              v1::TCP_STATE_CLOSED, v1::TCP_STATE_LAST_ACK}),
              HasSubstr("a closed connection does not come back"));
}

// gVisor's sender re-runs its state switch on the FIN's retransmission
// (snd.go): LAST_ACK > FIN_WAIT_1 > FIN_WAIT_2 is what gVisor does.
TEST(TcpTransitions, AStackTakesOnlyItsOwnDocumentedSteps) {
  const std::vector<v1::TcpState> gvisor = {v1::TCP_STATE_CLOSE_WAIT, v1::TCP_STATE_LAST_ACK,
                                            v1::TCP_STATE_FIN_WAIT_1, v1::TCP_STATE_FIN_WAIT_2};
  EXPECT_EQ(ImpossibleStep(gvisor, "gvisor"), "");
  EXPECT_EQ(ImpossibleStep(gvisor, "gvisor-netstack"), "");
  EXPECT_NE(ImpossibleStep(gvisor, "lwip"), "");
  for (const StackTransition& t : StackTransitions()) {
    EXPECT_NE(std::string(t.source), "") << t.platform;
  }
}

}  // namespace
}  // namespace closeprobe::controller
