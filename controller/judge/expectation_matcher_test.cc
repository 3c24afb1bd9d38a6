#include "controller/judge/expectation_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "controller/cases/case_set.h"
#include "controller/judge/verdicts.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using ::testing::HasSubstr;

// A valid case with steps named as the tests' expectations need, loaded
// (names resolved) as a run would load it; `text` adds the claim and the
// expectations.
LoadedCase CaseOf(const std::string& text) {
  const std::string header = R"(
    name: "x" summary: "s" roles: ["a"] subject: "a"
    step { role: "a" socket {} as: "h" }
    step { role: "a" send { on: "h" bytes: 1 } id: "send1" }
    step { role: "a" send { on: "h" bytes: 1 } id: "send2" }
    step { role: "a" send { on: "h" bytes: 1 allow_sigpipe: true } id: "raw" }
    step { role: "a" poll { on: "h" events: [POLL_EVENT_IN, POLL_EVENT_RDHUP] } id: "poll" }
    step { role: "a" recv { on: "h" } id: "recv" }
    step { role: "a" close { on: "h" } id: "close" }
    step { role: "a" wait_state { on: "h" state: "TIME_WAIT" } id: "wait" }
    step { role: "a" state { on: "h" } id: "st" }
    step { role: "a" listen { port: "srv" } as: "l" }
    step { role: "a" getsockname { on: "l" } id: "name" })";
  absl::StatusOr<CaseSet> set = ParseCaseSet("cases/x.textproto", header + text);
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? set->rows.front() : LoadedCase{};
}

// What a run does with its record: match, then judge.
void Judge(const LoadedCase& c, const std::string& platform, const std::string& version,
           v1::CaseResult* r) {
  MatchExpectations(c, platform, version, r);
  JudgeRun(r);
}

v1::CaseResult StepsOf(const std::string& text) {
  v1::CaseResult r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r));
  return r;
}

// The verdict of the same recorded steps judged as `platform`.
v1::Verdict VerdictAs(const LoadedCase& c, const std::string& steps, const std::string& platform) {
  v1::CaseResult r = StepsOf(steps);
  Judge(c, platform, "", &r);
  return r.verdict();
}

constexpr char kSendAfterRst[] = R"(
  claim: "C12"
  expect { step: "send1" error: "ECONNRESET" }
  expect { step: "send2" error: "EPIPE" }
  expect { step: "send2" platform: "windows" error: "ECONNRESET" source: "doc" }
)";

TEST(ExpectationMatcher, MatchedWhenEveryObservationHolds) {
  v1::CaseResult r = StepsOf(R"(
    steps { id: "send1" result { error: ERROR_NAME_ECONNRESET return_value: -1 } }
    steps { id: "send2" result { error: ERROR_NAME_EPIPE return_value: -1 } })");
  Judge(CaseOf(kSendAfterRst), "linux", "6.1.0-31-amd64", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_HELD);
  EXPECT_EQ(r.key_observation(), "send1=ECONNRESET send2=EPIPE");
  EXPECT_EQ(r.expectations_size(), 2);  // the windows one is not this platform's
}

TEST(ExpectationMatcher, DeviatedWhenAnObservationDiffers) {
  v1::CaseResult r = StepsOf(R"(
    steps { id: "send1" result { error: ERROR_NAME_OK return_value: 64 } }
    steps { id: "send2" result { error: ERROR_NAME_EPIPE return_value: -1 } })");
  Judge(CaseOf(kSendAfterRst), "linux", "6.1.0-31-amd64", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_REFUTED);
  EXPECT_FALSE(r.expectations(0).met());
  EXPECT_THAT(r.expectations(0).observed(), HasSubstr("error=OK"));
  EXPECT_EQ(r.expectations(0).expected(), "error=ECONNRESET");
}

// A send without MSG_NOSIGNAL: whether SIGPIPE was raised is checked and shown.
TEST(ExpectationMatcher, SigpipeIsCheckedOnTheSendThatAllowedIt) {
  const LoadedCase c = CaseOf(R"(expect { step: "raw" error: "EPIPE" sigpipe: true })");
  const std::string raised = R"pb(steps { id: "raw" kind: "send"
      result { error: ERROR_NAME_EPIPE return_value: -1 sigpipe_raised: true } })pb";
  v1::CaseResult r = StepsOf(raised);
  Judge(c, "linux", "6.18", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED);
  EXPECT_EQ(r.expectations(0).expected(), "error=EPIPE SIGPIPE raised");
  r = StepsOf(absl::StrReplaceAll(raised, {{"sigpipe_raised: true", ""}}));
  Judge(c, "linux", "6.18", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_THAT(r.expectations(0).observed(), HasSubstr("no SIGPIPE"));
}

TEST(ExpectationMatcher, PlatformExpectationDecidesVerdictClaimStillJudged) {
  v1::CaseResult r = StepsOf(R"(
    steps { id: "send1" result { error: ERROR_NAME_ECONNRESET } }
    steps { id: "send2" result { error: ERROR_NAME_ECONNRESET native_name: "WSAECONNRESET" native_code: 10054 } })");
  Judge(CaseOf(kSendAfterRst), "windows", "6.1.0-31-amd64", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED);        // as Windows documents
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_REFUTED);   // but not as the claim says
  int applying = 0;
  for (const auto& e : r.expectations()) applying += e.applies() ? 1 : 0;
  EXPECT_EQ(applying, 2);
}

// A question's cells show every call or state step it names, expectation
// or not (the steps expectations name first; an injected segment is no
// observation); a claim's only what its expectations ask.
TEST(ExpectationMatcher, AQuestionShowsEveryStepItNames) {
  const char* steps = R"pb(
    steps { id: "send1" result { error: ERROR_NAME_ECONNRESET return_value: -1 } }
    steps { id: "send2" result { error: ERROR_NAME_EPIPE return_value: -1 } }
    steps { id: "recv" kind: "recv" call: "recv(h)" result { error: ERROR_NAME_OK return_value: 0 } }
    steps { kind: "close" call: "close(h)" result { error: ERROR_NAME_OK } }
    steps { id: "injected" kind: "inject" call: "inject(h, R)" })pb";
  v1::CaseResult question = StepsOf(steps);
  Judge(CaseOf(R"(expect { step: "send2" error: "EPIPE" })"), "linux", "6.1", &question);
  EXPECT_EQ(question.key_observation(), "send2=EPIPE send1=ECONNRESET recv=EOF");
  EXPECT_EQ(question.outcome(), "send2=EPIPE");  // baselines: what expectations name

  v1::CaseResult claim = StepsOf(steps);
  Judge(CaseOf(kSendAfterRst), "linux", "6.1", &claim);
  EXPECT_EQ(claim.key_observation(), "send1=ECONNRESET send2=EPIPE");
}

TEST(ExpectationMatcher, StatesReachedAndDurations) {
  const LoadedCase c = CaseOf(R"(
    claim: "C8"
    expect { step: "close" error: "OK" duration_ms { max: 100 } }
    expect { step: "wait" state: "TIME_WAIT" reached: true duration_ms { min: 1 max: 5000 } }
    expect { step: "st" state: "CLOSED" })");
  v1::CaseResult ok = StepsOf(R"(
    steps { id: "close" result { error: ERROR_NAME_OK duration_ns: 20000 } }
    steps { id: "wait" wait { reached: true state: TCP_STATE_TIME_WAIT waited_ns: 2000000 } }
    steps { id: "st" state { state: TCP_STATE_CLOSED } })");
  Judge(c, "linux", "6.1.0-31-amd64", &ok);
  EXPECT_EQ(ok.verdict(), v1::VERDICT_MATCHED);

  v1::CaseResult slow = ok;
  slow.clear_expectations();
  slow.mutable_steps(0)->mutable_result()->set_duration_ns(2'000'000'000);
  Judge(c, "linux", "6.1.0-31-amd64", &slow);
  EXPECT_EQ(slow.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_THAT(slow.expectations(0).observed(), HasSubstr("duration_ms=2000.000"));
}

TEST(ExpectationMatcher, TimerLeftIsARangeAndUnknownNeverHolds) {
  const LoadedCase c = CaseOf(R"(
    expect { step: "st" timer_ms { min: 59000 } })");
  v1::CaseResult restarted = StepsOf(R"(
    steps { id: "st" state { state: TCP_STATE_TIME_WAIT connection { timer_remaining_ms: 59700 } } })");
  Judge(c, "linux", "6.1", &restarted);
  EXPECT_EQ(restarted.verdict(), v1::VERDICT_MATCHED);
  v1::CaseResult running_down = StepsOf(R"(
    steps { id: "st" state { state: TCP_STATE_TIME_WAIT connection { timer_remaining_ms: 58200 } } })");
  Judge(c, "linux", "6.1", &running_down);
  EXPECT_EQ(running_down.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_THAT(running_down.expectations(0).observed(), HasSubstr("timer_ms=58200"));
  v1::CaseResult unknown = StepsOf(R"(
    steps { id: "st" state { state: TCP_STATE_TIME_WAIT connection { timer_remaining_ms: -1 } } })");
  Judge(c, "gvisor", "1", &unknown);
  EXPECT_EQ(unknown.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_THAT(unknown.expectations(0).observed(), HasSubstr("timer=unknown"));
}

TEST(ExpectationMatcher, SkippedAndMissingStepsDoNotHold) {
  v1::CaseResult r = StepsOf(R"(
    steps { id: "send1" skipped: true skip_reason: "handle 's' was not created" })");
  Judge(CaseOf(kSendAfterRst), "linux", "6.1.0-31-amd64", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_THAT(r.expectations(0).observed(), HasSubstr("skipped"));
  EXPECT_THAT(r.expectations(1).observed(), HasSubstr("not performed"));
  // The claim's steps never ran: nothing refuted it.
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_THAT(r.inconclusive(), HasSubstr("did not run: step send1"));
}

// A claim step that ran and missed refutes the claim, even beside one that
// never ran.
TEST(ExpectationMatcher, AClaimStepThatRanAndMissedStillRefutes) {
  v1::CaseResult r = StepsOf(R"(
    steps { id: "send1" result { error: ERROR_NAME_EPIPE } })");
  Judge(CaseOf(kSendAfterRst), "linux", "6.1.0-31-amd64", &r);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_REFUTED);
}

TEST(ExpectationMatcher, PlatformVersionScopesAnExpectation) {
  const LoadedCase c = CaseOf(R"(
    claim: "C12"
    expect { step: "send1" error: "ECONNRESET" }
    expect { step: "send1" platform: "linux" platform_version: ">= 6.1" error: "EPIPE" })");
  v1::CaseResult newer = StepsOf(R"(steps { id: "send1" result { error: ERROR_NAME_EPIPE } })");
  v1::CaseResult older = newer;
  Judge(c, "linux", "6.1.0-31-amd64", &newer);
  EXPECT_EQ(newer.verdict(), v1::VERDICT_MATCHED);  // the versioned expectation applies
  Judge(c, "linux", "5.10.0-20-amd64", &older);
  EXPECT_EQ(older.verdict(), v1::VERDICT_DEVIATED);  // only the claim's applies
  EXPECT_EQ(older.expectations_size(), 1);
  ASSERT_GE(newer.outcome_parts_size(), 1);
  EXPECT_EQ(newer.outcome_parts(0).what(), "send1");
  EXPECT_EQ(newer.outcome_parts(0).value(), "EPIPE");
}

// gvisor-netstack is gVisor's stack: it takes gvisor's documented
// expectations, except for a step it has one of its own for.
TEST(ExpectationMatcher, GvisorNetstackTakesGvisorsExpectationsUnlessItHasItsOwn) {
  const LoadedCase c = CaseOf(R"(
    claim: "C12"
    expect { step: "send1" error: "ECONNRESET" }
    expect { step: "send1" platform: "gvisor" error: "EPIPE" source: "netstack" }
    expect { step: "send2" platform: "gvisor" error: "EPIPE" source: "netstack" }
    expect { step: "send2" platform: "gvisor-netstack" error: "ENOTCONN" source: "imitation" })");
  constexpr char kSteps[] = R"(
    steps { id: "send1" result { error: ERROR_NAME_EPIPE } }
    steps { id: "send2" result { error: ERROR_NAME_ENOTCONN } })";
  v1::CaseResult r = StepsOf(kSteps);
  Judge(c, "gvisor-netstack", "0.0~20221219.0-2", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_MATCHED);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_REFUTED);
  // gVisor's expectations are not Linux's.
  EXPECT_EQ(VerdictAs(c, kSteps, "linux"), v1::VERDICT_DEVIATED);
}

// A firmware column's agent speaks as lwip; the column is judged by its own
// expectations where it has them, by lwip's elsewhere.
TEST(ExpectationMatcher, AColumnWhoseAgentSpeaksAsItsFallbackIsJudgedAsItself) {
  EXPECT_EQ(JudgedPlatform("lwip-firmware-esp-idf", "lwip"), "lwip-firmware-esp-idf");
  EXPECT_EQ(JudgedPlatform("lwip", ""), "lwip");
  EXPECT_EQ(JudgedPlatform("linux@host", "linux"), "linux");     // not in the table
  EXPECT_EQ(JudgedPlatform("lwip-firmware", "linux"), "linux");  // not what it falls back on
  const LoadedCase c = CaseOf(R"(
    expect { step: "send1" platform: "lwip" error: "ECONNRESET" source: "lwip" }
    expect { step: "send2" platform: "lwip" error: "EPIPE" source: "lwip" }
    expect { step: "send2" platform: "lwip-firmware-esp-idf" error: "OTHER" source: "option" })");
  constexpr char kSteps[] = R"(
    steps { id: "send1" result { error: ERROR_NAME_ECONNRESET } }
    steps { id: "send2" result { error: ERROR_NAME_OTHER } })";
  EXPECT_EQ(VerdictAs(c, kSteps, JudgedPlatform("lwip-firmware-esp-idf", "lwip")),
            v1::VERDICT_MATCHED);
  // The ESP-IDF options' expectation is not the Debian build's.
  EXPECT_EQ(VerdictAs(c, kSteps, JudgedPlatform("lwip-firmware", "lwip")), v1::VERDICT_DEVIATED);
}

TEST(ExpectationMatcher, StoppedRunIsErrorAndClaimNotApplicable) {
  v1::CaseResult r;
  r.set_stop(v1::STOP_AGENT_FAULT);
  Judge(CaseOf(kSendAfterRst), "linux", "6.1.0-31-amd64", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_ERROR);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_NOT_APPLICABLE);
}

TEST(ExpectationMatcher, FailedPremiseMakesTheRunInconclusiveNotRefuted) {
  const LoadedCase c = CaseOf(R"(
    claim: "C12"
    expect { step: "wait" reached: true premise: true }
    expect { step: "send1" error: "ECONNRESET" })");
  v1::CaseResult r = StepsOf(R"(
    steps { id: "wait" wait { reached: false state: TCP_STATE_CLOSE_WAIT } }
    steps { id: "send1" result { error: ERROR_NAME_OK return_value: 1 } })");
  Judge(c, "linux", "6.1", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_INCONCLUSIVE);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_THAT(r.inconclusive(), HasSubstr("premise not met: step wait expected reached=true"));
  EXPECT_THAT(r.inconclusive(), HasSubstr("CLOSE_WAIT"));
}

TEST(ExpectationMatcher, PremiseHeldLeavesTheVerdictToTheExpectations) {
  const LoadedCase c = CaseOf(R"(
    claim: "C12"
    expect { step: "wait" reached: true premise: true }
    expect { step: "send1" error: "ECONNRESET" })");
  v1::CaseResult r = StepsOf(R"(
    steps { id: "wait" wait { reached: true state: TCP_STATE_TIME_WAIT } }
    steps { id: "send1" result { error: ERROR_NAME_OK return_value: 1 } })");
  Judge(c, "linux", "6.1", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_REFUTED);
}

TEST(ExpectationMatcher, WireCheckWithoutCaptureIsNotSupported) {
  const LoadedCase c = CaseOf(R"(
    claim: "C8"
    expect { wire { from: "a" flags: "R" } })");
  v1::CaseResult r;
  Judge(c, "windows", "10", &r);
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_SUPPORTED);
  EXPECT_THAT(r.error(), HasSubstr("cannot capture"));
}

// A column without capture saw nothing of the wire: its outcome says so,
// never "no" as if no such segment had been sent.
TEST(ExpectationMatcher, AWireCheckWithoutCaptureIsNotObservedNotMissed) {
  const LoadedCase c = CaseOf(R"(
    expect { wire { from: "a" flags: "R" count: 0 } })");
  v1::CaseResult r;
  Judge(c, "windows", "10", &r);
  EXPECT_THAT(r.outcome(), HasSubstr("a sends R x0: n/o"));
  MatrixRow row;
  row.verdict = r.verdict();
  row.runs = {&r};
  EXPECT_TRUE(NotObservable(row)) << VerdictWords(row);
}

// A capture that lost packets may have lost the very segment a check asks
// about: "no RST sent" is not known then.
TEST(ExpectationMatcher, ACaptureThatLostPacketsJudgesNoWireCheck) {
  const LoadedCase c = CaseOf(R"(
    claim: "C8"
    expect { wire { from: "a" flags: "R" count: 0 } })");
  v1::CaseResult r = StepsOf("captured: true capture_dropped: 3");
  Judge(c, "linux", "6.1", &r);
  ASSERT_EQ(r.expectations_size(), 1);
  EXPECT_FALSE(r.expectations(0).met());
  EXPECT_TRUE(r.expectations(0).not_observable());
  EXPECT_EQ(r.verdict(), v1::VERDICT_NOT_SUPPORTED);
  EXPECT_EQ(r.claim_status(), v1::CLAIM_STATUS_NOT_APPLICABLE);
  EXPECT_THAT(r.error(), HasSubstr("the capture lost 3 packet(s)"));
  EXPECT_THAT(r.outcome(), HasSubstr("n/o"));
  EXPECT_THAT(r.key_observation(), ::testing::Not(HasSubstr("a:Rx0")));
  // The same capture whole judges the check.
  v1::CaseResult whole = StepsOf("captured: true");
  Judge(c, "linux", "6.1", &whole);
  EXPECT_EQ(whole.verdict(), v1::VERDICT_MATCHED);
  EXPECT_EQ(whole.claim_status(), v1::CLAIM_STATUS_HELD);
}

// A segment no role could be assigned to may be the one "a sends no R"
// denies: the check is not known, never held.
TEST(ExpectationMatcher, AnUnattributedSegmentLeavesACountOfZeroUnknown) {
  const LoadedCase c = CaseOf(R"(
    claim: "C8"
    expect { wire { from: "a" flags: "R" count: 0 } })");
  v1::CaseResult r = StepsOf(R"pb(captured: true segments { from_role: "" flags: "R" })pb");
  Judge(c, "linux", "6.1", &r);
  ASSERT_EQ(r.expectations_size(), 1);
  EXPECT_FALSE(r.expectations(0).met());
  EXPECT_TRUE(r.expectations(0).not_observable());
  EXPECT_NE(r.verdict(), v1::VERDICT_MATCHED);
  EXPECT_NE(r.claim_status(), v1::CLAIM_STATUS_HELD);
  EXPECT_THAT(r.error(), HasSubstr("no role could be assigned to"));
  EXPECT_THAT(r.outcome(), HasSubstr("n/o"));
  EXPECT_THAT(r.key_observation(), ::testing::Not(HasSubstr("a:Rx0")));
  // One that cannot count it (a FIN is no RST) is judged as before.
  v1::CaseResult fin = StepsOf(R"pb(captured: true segments { from_role: "" flags: "F" })pb");
  Judge(c, "linux", "6.1", &fin);
  EXPECT_EQ(fin.verdict(), v1::VERDICT_MATCHED);
}

TEST(ExpectationMatcher, PollEventsAndEndpointsAreComparedAndShownAsValues) {
  const LoadedCase c = CaseOf(R"(
    expect { step: "poll" fired: [POLL_EVENT_RDHUP, POLL_EVENT_IN] not_fired: [POLL_EVENT_ERR] }
    expect { step: "name" endpoint: "*:srv" })");
  v1::CaseResult held = StepsOf(R"pb(
    steps { id: "poll" result { error: ERROR_NAME_OK return_value: 1 }
            poll { fired: [POLL_EVENT_IN, POLL_EVENT_RDHUP] } }
    steps { id: "name" kind: "getsockname" result { error: ERROR_NAME_OK } endpoint: "any:srv" })pb");
  Judge(c, "linux", "", &held);
  EXPECT_EQ(held.verdict(), v1::VERDICT_MATCHED);
  EXPECT_EQ(held.key_observation(), "poll=IN|RDHUP name=any:srv");

  v1::CaseResult missed = StepsOf(R"pb(
    steps { id: "poll" result { error: ERROR_NAME_OK return_value: 1 }
            poll { fired: [POLL_EVENT_IN, POLL_EVENT_RDHUP, POLL_EVENT_ERR] } }
    steps { id: "name" kind: "getsockname" result { error: ERROR_NAME_OK } endpoint: "any:ephemeral" })pb");
  Judge(c, "linux", "", &missed);
  EXPECT_EQ(missed.verdict(), v1::VERDICT_DEVIATED);
  EXPECT_FALSE(missed.expectations(0).met());
  EXPECT_THAT(missed.expectations(0).observed(), HasSubstr("fired=IN|RDHUP|ERR"));
  EXPECT_FALSE(missed.expectations(1).met());

  v1::CaseResult timed_out = StepsOf(R"(
    steps { id: "poll" result { error: ERROR_NAME_OK return_value: 0 } poll {} })");
  Judge(c, "linux", "", &timed_out);
  EXPECT_THAT(timed_out.key_observation(), HasSubstr("poll=timeout"));
}

// `fails` and `ends` say what a claim says without naming an error: "read()
// fails", "recv() returns 0 (or an error)". The agent's TIMEOUT is neither.
TEST(ExpectationMatcher, FailsAndEndsAcceptAnyErrorButTimeout) {
  struct Row {
    const char* expect;
    const char* result;
    bool met;
  } rows[] = {
      {R"(expect { step: "recv" fails: true })", "error: ERROR_NAME_ETIMEDOUT", true},
      {R"(expect { step: "recv" fails: true })", "error: ERROR_NAME_ECONNABORTED", true},
      {R"(expect { step: "recv" fails: true })", "error: ERROR_NAME_TIMEOUT", false},
      {R"(expect { step: "recv" fails: true })", "error: ERROR_NAME_OK return_value: 0", false},
      {R"(expect { step: "recv" fails: false })", "error: ERROR_NAME_OK return_value: 5", true},
      {R"(expect { step: "recv" ends: true })", "error: ERROR_NAME_OK return_value: 0", true},
      {R"(expect { step: "recv" ends: true })", "error: ERROR_NAME_ENOTCONN", true},
      {R"(expect { step: "recv" ends: true })", "error: ERROR_NAME_OK return_value: 5", false},
      {R"(expect { step: "recv" ends: true })", "error: ERROR_NAME_TIMEOUT", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(absl::StrCat(row.expect, " against ", row.result));
    v1::CaseResult r = StepsOf(absl::StrCat(R"(steps { id: "recv" result { )", row.result, " } }"));
    Judge(CaseOf(row.expect), "linux", "6.1", &r);
    ASSERT_EQ(r.expectations_size(), 1);
    EXPECT_EQ(r.expectations(0).met(), row.met);
  }
}

// The judge reads what a step observes from its recorded kind, never from
// the `call` text people read.
TEST(ExpectationMatcher, TheRecordedKindSaysWhatAStepObserved) {
  const LoadedCase c = CaseOf(R"(expect { step: "recv" ends: true })");
  v1::CaseResult r = StepsOf(R"pb(
    steps { id: "recv" kind: "recv" call: "getpeername(h)" result { error: ERROR_NAME_OK } })pb");
  Judge(c, "linux", "", &r);
  EXPECT_EQ(r.key_observation(), "recv=EOF");

  v1::CaseResult peer = StepsOf(R"pb(
    steps { id: "recv" kind: "getpeername" call: "recv(h)" result { error: ERROR_NAME_OK }
            endpoint: "b:srv" local { address: "1.1.1.1" port: 1 }
            peer { address: "2.2.2.2" port: 2 } })pb");
  Judge(c, "linux", "", &peer);
  EXPECT_EQ(peer.key_observation(), "recv=b:srv");
  EXPECT_THAT(peer.expectations(0).observed(), HasSubstr("endpoint=b:srv (2.2.2.2:2)"));
}
}  // namespace
}  // namespace closeprobe::controller
