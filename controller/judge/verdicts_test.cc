// Verdicts of runs, rows and claims, from recorded expectation results.
#include "controller/judge/verdicts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using ::testing::HasSubstr;

// A run of case `name` on linux whose claim expectation (on step send1,
// which ran) met or not, and whose premise (if any) met or not.
std::string RunText(const std::string& name, bool met, const char* premise = nullptr,
                const std::string& extra = "") {
  std::string run = absl::StrCat(
      "results { case_name: \"", name, "\" platform: \"linux\" claim: \"C12\" ", extra,
      " steps { id: \"send1\" result { error: ERROR_NAME_OK } } expectations { expectation { step: \"send1\" } from_claim: true applies: true met: ",
      met ? "true" : "false", " expected: \"error=ECONNRESET\" observed: \"error=OK\" }");
  if (premise != nullptr) {
    absl::StrAppend(&run, " expectations { expectation { step: \"reset_seen\" premise: true } ",
                    "applies: true met: ", premise, " expected: \"state=CLOSED\" ",
                    "observed: \"state=CLOSE_WAIT\" }");
  }
  return run + " }\n";
}

// A report written as text, judged.
v1::Report Parsed(const std::string& text) {
  v1::Report r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r));
  return r;
}

TEST(Verdicts, RunWithFailedPremiseIsInconclusiveAndNamesIt) {
  const JudgedReport j(Parsed(RunText("a", false, "false")));
  ASSERT_EQ(j.rows.size(), 1u);
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_INCONCLUSIVE);
  EXPECT_EQ(j.rows[0].claim_status, v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_THAT(j.rows[0].inconclusive, HasSubstr("step reset_seen expected state=CLOSED"));
  EXPECT_THAT(j.rows[0].inconclusive, HasSubstr("observed state=CLOSE_WAIT"));
  EXPECT_EQ(j.record.summary().inconclusive(), 1);
  EXPECT_EQ(j.record.summary().deviated(), 0);
}

TEST(Verdicts, InconclusiveRowNeverRefutesAClaim) {
  // One row refutes nothing (premise missing), another holds: HELD, and the
  // inconclusive row is listed with its reason.
  const JudgedReport j(Parsed(RunText("a[peer=lwip]", false, "false") + RunText("a[peer=linux]", true, "true")));
  ASSERT_EQ(j.record.claims_size(), 1);
  EXPECT_EQ(j.record.claims(0).status(), v1::CLAIM_STATUS_HELD);
  EXPECT_TRUE(j.record.claims(0).evidence().empty());
  ASSERT_EQ(j.record.claims(0).inconclusive_size(), 1);
  EXPECT_THAT(j.record.claims(0).inconclusive(0), HasSubstr("a[peer=lwip]: premise not met"));
}

TEST(Verdicts, ClaimOnlyTestedInconclusivelyIsInconclusive) {
  const JudgedReport j(Parsed(RunText("a", false, "false")));
  ASSERT_EQ(j.record.claims_size(), 1);
  EXPECT_EQ(j.record.claims(0).status(), v1::CLAIM_STATUS_INCONCLUSIVE);
}

TEST(Verdicts, RefutationNeedsThePremise) {
  const JudgedReport j(Parsed(RunText("a", false, "true")));
  EXPECT_EQ(j.record.claims(0).status(), v1::CLAIM_STATUS_REFUTED);
  EXPECT_THAT(j.record.claims(0).evidence(), HasSubstr("a: step send1 expected"));
}

TEST(Verdicts, RaceRowWithNoMatchingRunIsNotMatched) {
  std::string runs;
  for (int i = 0; i < 20; ++i) runs += RunText("race", false, "true", "race: true");
  const JudgedReport j(Parsed(runs));
  ASSERT_EQ(j.rows.size(), 1u);
  ASSERT_NE(j.rows[0].repeat, nullptr);
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_DEVIATED);
  EXPECT_EQ(j.rows[0].repeat->matching_runs(), 0);
  EXPECT_EQ(j.rows[0].repeat->required_runs(), 1);
  EXPECT_EQ(j.record.summary().matched(), 0);
}

TEST(Verdicts, RaceRowMatchesWithOneMatchingRunAndHoldsTheClaim) {
  std::string runs = RunText("race", true, "true", "race: true outcome: \"message read\"");
  for (int i = 0; i < 9; ++i) runs += RunText("race", false, "true", "race: true outcome: \"reset\"");
  const JudgedReport j(Parsed(runs));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_MATCHED);
  EXPECT_EQ(j.rows[0].claim_status, v1::CLAIM_STATUS_HELD);
  EXPECT_THAT(j.rows[0].key_observation, HasSubstr("9/10"));
}

TEST(Verdicts, MinMatchingRunsIsTheBar) {
  std::string runs;
  for (int i = 0; i < 4; ++i) runs += RunText("r", i < 2, "true", "race: true min_matching_runs: 3");
  EXPECT_EQ(JudgedReport(Parsed(runs)).rows[0].verdict, v1::VERDICT_DEVIATED);
  runs += RunText("r", true, "true", "race: true min_matching_runs: 3");
  EXPECT_EQ(JudgedReport(Parsed(runs)).rows[0].verdict, v1::VERDICT_MATCHED);
}

TEST(Verdicts, RepeatedRowNeedsEveryConclusiveRunAndIsFlakyWhenTheyDiffer) {
  const JudgedReport j(Parsed(RunText("rep", true, "true", "outcome: \"x\"") +
                 RunText("rep", false, "true", "outcome: \"y\"")));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_DEVIATED);
  EXPECT_TRUE(j.rows[0].repeat->flaky());
  EXPECT_EQ(j.record.summary().flaky(), 1);
}

// A claim whose step never ran in any run (skipped after an earlier step
// failed) is untested, whatever the row's verdict: never refuted.
TEST(Verdicts, AClaimWhoseStepNeverRanIsUntestedNotRefuted) {
  auto unrun = [](const std::string& name) {
    return absl::StrCat(
        "results { case_name: \"", name, "\" platform: \"linux\" claim: \"C12\" ",
        "steps { id: \"send1\" skipped: true skip_reason: \"handle 'c' was not created\" } ",
        "expectations { expectation { step: \"send1\" } from_claim: true applies: true ",
        "met: false expected: \"error=ECONNRESET\" observed: \"skipped\" } }\n");
  };
  const JudgedReport once(Parsed(unrun("one")));
  EXPECT_EQ(once.rows[0].claim_status, v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_THAT(once.rows[0].inconclusive, HasSubstr("did not run"));
  EXPECT_EQ(once.record.claims(0).status(), v1::CLAIM_STATUS_INCONCLUSIVE);
  const JudgedReport twice(Parsed(unrun("rep") + unrun("rep")));
  EXPECT_EQ(twice.rows[0].claim_status, v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_THAT(twice.rows[0].inconclusive, HasSubstr("did not run"));
}

TEST(Verdicts, RepeatedRowWithNoConclusiveRunIsInconclusive) {
  const JudgedReport j(Parsed(RunText("rep", false, "false") + RunText("rep", false, "false")));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_INCONCLUSIVE);
  EXPECT_EQ(j.rows[0].repeat->conclusive_runs(), 0);
  EXPECT_THAT(j.rows[0].inconclusive, HasSubstr("premise not met"));
}

TEST(Verdicts, RowWithTooFewConclusiveRunsDecidesNothingOfItsClaim) {
  // C17 on lwip: 2 of 20 runs conclusive, both refuting. Not "inc REFUTED":
  // inconclusive, with the count, and the claim is not refuted.
  std::string runs;
  for (int i = 0; i < 20; ++i) runs += RunText("race", false, i < 2 ? "true" : "false", "race: true");
  const JudgedReport j(Parsed(runs));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_INCONCLUSIVE);
  EXPECT_EQ(j.rows[0].claim_status, v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_THAT(j.rows[0].inconclusive, HasSubstr("premise held in 2 of 20 runs; at least 5 needed"));
  ASSERT_EQ(j.record.claims_size(), 1);
  EXPECT_EQ(j.record.claims(0).status(), v1::CLAIM_STATUS_INCONCLUSIVE);
  EXPECT_EQ(j.record.repeats(0).required_conclusive_runs(), 5);
}

TEST(Verdicts, MinConclusiveRunsIsTheCasesBar) {
  // Not a race: every conclusive run must match, and both refute.
  std::string with_default, with_two;
  for (int i = 0; i < 20; ++i) {
    with_default += RunText("rep", false, i < 2 ? "true" : "false");
    with_two += RunText("rep", false, i < 2 ? "true" : "false", "min_conclusive_runs: 2");
  }
  const JudgedReport by_default(Parsed(with_default));
  EXPECT_EQ(by_default.rows[0].verdict, v1::VERDICT_INCONCLUSIVE);
  EXPECT_EQ(by_default.record.claims(0).status(), v1::CLAIM_STATUS_INCONCLUSIVE);
  const JudgedReport two(Parsed(with_two));
  EXPECT_EQ(two.rows[0].verdict, v1::VERDICT_DEVIATED);
  EXPECT_EQ(two.rows[0].claim_status, v1::CLAIM_STATUS_REFUTED);
  EXPECT_EQ(two.record.claims(0).status(), v1::CLAIM_STATUS_REFUTED);
}

TEST(Verdicts, NoLabelCombinesInconclusiveWithAClaimVerdict) {
  // A race row whose conclusive runs refute but which lacks the matching
  // runs it might have had: no verdict on the row, none on the claim.
  std::string runs;
  for (int i = 0; i < 10; ++i) runs += RunText("race", false, i < 6 ? "true" : "false", "race: true");
  const JudgedReport j(Parsed(runs));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_INCONCLUSIVE);
  EXPECT_EQ(j.rows[0].claim_status, v1::CLAIM_STATUS_INCONCLUSIVE);
}

TEST(Verdicts, EachClaimIdIsItsOwnEntry) {
  auto with_claim = [](const std::string& name, const std::string& claim) {
    std::string run = RunText(name, true, "true");
    return run.replace(run.find("\"C12\""), 5, "\"" + claim + "\"");
  };
  const JudgedReport j(Parsed(with_claim("s1", "acme.S1") + with_claim("s2", "acme.S2") +
                              with_claim("c3", "C3") + with_claim("c10", "C10")));
  ASSERT_EQ(j.record.claims_size(), 4);
  EXPECT_EQ(j.record.claims(0).claim(), "C3");
  EXPECT_EQ(j.record.claims(1).claim(), "C10");
  EXPECT_EQ(j.record.claims(2).claim(), "acme.S1");
  EXPECT_THAT(j.record.claims(2).cases(), ::testing::ElementsAre("s1"));
  EXPECT_EQ(j.record.claims(3).claim(), "acme.S2");
  EXPECT_THAT(j.record.claims(3).cases(), ::testing::ElementsAre("s2"));
}

TEST(Verdicts, LongestCaseIsAWholeRow) {
  std::string runs;
  for (int i = 0; i < 10; ++i) runs += RunText("repeated", true, "true", "seconds: 1");
  runs += RunText("single", true, "true", "seconds: 5");
  const JudgedReport j(Parsed(runs));
  EXPECT_DOUBLE_EQ(j.record.summary().longest_case_seconds(), 10);
  EXPECT_EQ(j.record.summary().longest_case(), "repeated (linux, 10 runs)");
}

TEST(Verdicts, StoppedRunsAreErrorOrNotSupported) {
  const JudgedReport j(Parsed(RunText("e", true, nullptr, "stop: STOP_AGENT_FAULT error: \"agent gone\"") +
                 RunText("n", true, nullptr, "stop: STOP_NOT_SUPPORTED")));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_ERROR);
  EXPECT_EQ(j.rows[0].key_observation, "agent gone");
  EXPECT_EQ(j.rows[1].verdict, v1::VERDICT_NOT_SUPPORTED);
  EXPECT_EQ(ExitStatusFor(j.record), 3);
}

TEST(Verdicts, ACaseErrorIsAnErrorRowAndExitTwoNotAnInfrastructureFailure) {
  const JudgedReport j(Parsed(RunText("c", true, nullptr, "stop: STOP_CASE_ERROR error: \"x\"") +
                              RunText("d", false, "true")));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_ERROR);
  EXPECT_EQ(ExitStatusFor(j.record), 2);
  // An agent that failed outweighs it.
  const JudgedReport both(Parsed(RunText("c", true, nullptr, "stop: STOP_CASE_ERROR") +
                                 RunText("e", true, nullptr, "stop: STOP_AGENT_FAULT")));
  EXPECT_EQ(ExitStatusFor(both.record), 3);
}

// What the stack cannot show is not supported there, never an error.
TEST(Verdicts, ARunStoppedWhereNothingCouldSeeIsNotSupported) {
  const JudgedReport j(Parsed(RunText(
      "o", true, nullptr, "stop: STOP_NOT_OBSERVABLE error: \"not observable: closed handle\"")));
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_NOT_SUPPORTED);
  EXPECT_EQ(ExitStatusFor(j.record), 0);
}

// n/o is n/s for a reason of its own: the platform could do the steps but
// cannot see what was asked.
TEST(NotObservable, OnlyANotSupportedRowThatStoppedAsNotObservable) {
  v1::CaseResult unseen, lacking;
  unseen.set_stop(v1::STOP_NOT_OBSERVABLE);
  lacking.set_stop(v1::STOP_NOT_SUPPORTED);
  MatrixRow row;
  row.verdict = v1::VERDICT_NOT_SUPPORTED;
  row.runs = {&unseen};
  EXPECT_TRUE(NotObservable(row));
  row.runs = {&lacking};
  EXPECT_FALSE(NotObservable(row));
  row.runs = {&unseen};
  row.verdict = v1::VERDICT_MATCHED;
  EXPECT_FALSE(NotObservable(row));
}

// A row that missed only the claim's expectations, on steps its platform
// has none of its own for, is judged on the claim: still DEVIATED (exit 1),
// but its cells do not say DEV, which is kept for a stack that missed its
// own documented behaviour.
TEST(JudgedOnClaimOnly, AMissOfTheClaimAloneIsNotADocumentedDeviation) {
  const JudgedReport j(Parsed(RunText("a", false)));
  ASSERT_EQ(j.rows.size(), 1u);
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_DEVIATED);
  EXPECT_EQ(j.rows[0].claim_status, v1::CLAIM_STATUS_REFUTED);
  EXPECT_TRUE(JudgedOnClaimOnly(j.rows[0]));
  EXPECT_STREQ(VerdictWords(j.rows[0]), "judged on the claim");
  EXPECT_STREQ(VerdictMark(j.rows[0]), "clm");
  EXPECT_EQ(j.record.summary().deviated(), 1);
  EXPECT_EQ(ExitStatusFor(j.record), 1);
}

TEST(JudgedOnClaimOnly, AMissOfThePlatformsOwnExpectationIsDev) {
  const JudgedReport j(Parsed(RunText(
      "a", true, nullptr,
      "expectations { expectation { step: \"send2\" platform: \"linux\" source: \"tcp.c\" } "
      "applies: true met: false expected: \"error=EPIPE\" observed: \"error=OK\" }")));
  ASSERT_EQ(j.rows.size(), 1u);
  EXPECT_EQ(j.rows[0].verdict, v1::VERDICT_DEVIATED);
  EXPECT_FALSE(JudgedOnClaimOnly(j.rows[0]));
  EXPECT_STREQ(VerdictWords(j.rows[0]), "DEVIATED");
  EXPECT_STREQ(VerdictMark(j.rows[0]), "DEV");
}

TEST(JudgedOnClaimOnly, NeverForARowThatDidNotDeviate) {
  const JudgedReport held(Parsed(RunText("a", true)));
  EXPECT_FALSE(JudgedOnClaimOnly(held.rows[0]));
  EXPECT_STREQ(VerdictMark(held.rows[0]), "ok ");
  const JudgedReport untested(Parsed(RunText("a", false, "false")));
  EXPECT_FALSE(JudgedOnClaimOnly(untested.rows[0]));
  EXPECT_STREQ(VerdictMark(untested.rows[0]), "inc");
}

}  // namespace
}  // namespace closeprobe::controller
