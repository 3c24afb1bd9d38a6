#include "controller/cases/expectation_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/cases/step_kinds.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

ExpectationChecks ChecksOf(const std::string& text, std::vector<CheckProblem>* problems = nullptr) {
  static const CaseNames kNames{{"client", "server"}, {"srv"}};
  return ResolveChecks(Parse<v1::Expectation>(text), &kNames, problems);
}

std::vector<std::string> Fields(const ExpectationChecks& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks) out.push_back(c->field());
  return out;
}

TEST(ExpectationChecks, OneCheckPerFieldSetInTheOrderReportsDescribeThem) {
  const ExpectationChecks checks = ChecksOf(
      R"(step: "s" duration_ms { max: 100 } reached: true state: "CLOSED" error: "EPIPE")");
  EXPECT_THAT(Fields(checks), ElementsAre("error", "state", "reached", "duration_ms"));
  EXPECT_EQ(DescribeChecks(checks), "error=EPIPE state=CLOSED reached=true duration_ms in [, 100]");
  EXPECT_TRUE(ChecksOf(R"(step: "s" source: "man 2 send" note: "n")").empty());
  EXPECT_TRUE(ChecksOf(R"(wire { from: "client" flags: "R" })").empty());
}

TEST(ExpectationChecks, EachCheckNeedsWhatItsStepKindObserves) {
  EXPECT_EQ(ChecksOf(R"(step: "s" ends: true)")[0]->needs(), kBytesRead);
  EXPECT_EQ(ChecksOf(R"(step: "s" endpoint: "any:srv")")[0]->needs(),
            kLocalEndpoint | kPeerEndpoint);
  EXPECT_EQ(ChecksOf(R"(step: "s" timer_ms { min: 1 })")[0]->needs(), kTimer);
  EXPECT_EQ(ChecksOf(R"(step: "s" duration_ms { min: 1 })")[0]->needs(), 0u);  // every kind
  EXPECT_NE(KindOf(v1::Step::kRecv).observes & ChecksOf(R"(step: "s" ends: true)")[0]->needs(), 0u);
}

// A recv until_eof stopped by max_total_bytes ends OK with its total, as one
// that reached the end; only reached_eof tells them apart.
TEST(ExpectationChecks, EndsOfAReadUntilEofNeedsTheEnd) {
  const auto rec = [](const std::string& text) { return Parse<v1::StepRecord>(text); };
  const ExpectationChecks ends = ChecksOf(R"(step: "r" ends: true)");
  EXPECT_TRUE(ChecksHold(ends, rec("result { error: ERROR_NAME_OK return_value: 100 } reached_eof: true")));
  EXPECT_FALSE(ChecksHold(ends, rec("result { error: ERROR_NAME_OK return_value: 100 } reached_eof: false")));
  EXPECT_TRUE(ChecksHold(ends, rec("result { error: ERROR_NAME_ECONNRESET return_value: 100 } reached_eof: false")));
}

TEST(ExpectationChecks, HoldAgainstTheRecord) {
  const auto rec = [](const std::string& text) { return Parse<v1::StepRecord>(text); };
  const ExpectationChecks error = ChecksOf(R"(step: "s" error: "EPIPE" result: -1)");
  EXPECT_TRUE(ChecksHold(error, rec("result { error: ERROR_NAME_EPIPE return_value: -1 }")));
  EXPECT_FALSE(ChecksHold(error, rec("result { error: ERROR_NAME_EPIPE return_value: 0 }")));
  EXPECT_FALSE(ChecksHold(error, rec("skipped: true")));

  const ExpectationChecks wait = ChecksOf(R"(step: "w" seen: "FIN_WAIT_2" reached: false)");
  EXPECT_TRUE(ChecksHold(wait, rec("wait { reached: false transitions { state: TCP_STATE_FIN_WAIT_2 } }")));
  EXPECT_FALSE(ChecksHold(wait, rec("wait { reached: false transitions { state: TCP_STATE_CLOSING } }")));

  const ExpectationChecks poll =
      ChecksOf(R"(step: "p" fired_includes: [POLL_EVENT_IN] not_fired: [POLL_EVENT_ERR])");
  EXPECT_TRUE(ChecksHold(poll, rec("poll { fired: [POLL_EVENT_IN, POLL_EVENT_RDHUP] }")));
  EXPECT_FALSE(ChecksHold(poll, rec("poll { fired: [POLL_EVENT_IN, POLL_EVENT_ERR] }")));
  EXPECT_FALSE(ChecksHold(poll, rec("result { error: ERROR_NAME_OK }")));  // no poll recorded

  const ExpectationChecks linger = ChecksOf(R"(step: "g" linger { enabled: true seconds: 5 })");
  EXPECT_EQ(DescribeChecks(linger), "linger={1,5}");
  EXPECT_TRUE(ChecksHold(linger, rec("option { linger { enabled: true seconds: 5 } }")));
  EXPECT_FALSE(ChecksHold(linger, rec("option { linger { enabled: true seconds: 0 } }")));

  const ExpectationChecks timer = ChecksOf(R"(step: "st" timer_ms { max: 1000 })");
  EXPECT_TRUE(ChecksHold(timer, rec("state { connection { timer_remaining_ms: 800 } }")));
  EXPECT_FALSE(ChecksHold(timer, rec("state { connection { timer_remaining_ms: -1 } }")));
}

TEST(ExpectationChecks, AnEndpointMatchesTheRecordedNamePartByPart) {
  const auto rec = [](const std::string& endpoint) {
    v1::StepRecord r;
    r.set_endpoint(endpoint);
    return r;
  };
  const ExpectationChecks any_role = ChecksOf(R"(step: "n" endpoint: "*:srv")");
  EXPECT_TRUE(ChecksHold(any_role, rec("any:srv")));
  EXPECT_TRUE(ChecksHold(any_role, rec("server:srv")));
  EXPECT_FALSE(ChecksHold(any_role, rec("server:ephemeral")));
  EXPECT_FALSE(ChecksHold(any_role, rec("")));
  const ExpectationChecks exact = ChecksOf(R"(step: "n" endpoint: "client:ephemeral")");
  EXPECT_TRUE(ChecksHold(exact, rec("client:ephemeral")));
  EXPECT_FALSE(ChecksHold(exact, rec("server:ephemeral")));
}

TEST(ExpectationChecks, NamesThatResolveToNothingAreProblemsWithTheirField) {
  std::vector<CheckProblem> problems;
  const ExpectationChecks checks = ChecksOf(
      R"(step: "s" error: "EPIEP" state: "CLOSD" endpoint: "serve:sv")", &problems);
  EXPECT_EQ(checks.size(), 3u);  // kept: they still say what does not fit the step
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_STREQ(problems[0].field, "error");
  EXPECT_THAT(problems[0].message, HasSubstr("did you mean EPIPE?"));
  EXPECT_THAT(problems[1].message, HasSubstr("did you mean CLOSED?"));
  EXPECT_THAT(problems[2].message, HasSubstr("did you mean server?"));
  EXPECT_THAT(problems[3].message, HasSubstr("did you mean srv?"));
  // Read back from a report, the case's names are not known: nothing to check.
  problems.clear();
  ResolveChecks(Parse<v1::Expectation>(R"(step: "n" endpoint: "serve:sv")"), nullptr, &problems);
  EXPECT_TRUE(problems.empty());
}

}  // namespace
}  // namespace closeprobe::controller
