// Case files: syntax errors, unknown fields, roles, handles and names are
// rejected with FILE:LINE:COLUMN before anything runs.
#include <filesystem>
#include <fstream>

#include "controller/cases/case_set.h"
#include "controller/cases/claims.h"
#include "controller/cases/case_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/cases/case_loader.h"
#include "tests/testutil/status_matchers.h"

namespace closeprobe::controller {
namespace {

using ::closeprobe::testing::IsOk;
using ::closeprobe::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kHeader[] = R"(name: "demo"
claim: "C8"
summary: "a demo"
roles: ["client", "server"]
subject: "client"
)";

absl::Status Check(const std::string& body, const std::string& file = "cases/demo.textproto") {
  return ParseCaseSet(file, std::string(kHeader) + body).status();
}

TEST(CaseValidator, AcceptsAWellFormedCase) {
  EXPECT_THAT(Check(R"(
step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "client" connect { to: "lsn" } as: "c" }
step { role: "server" accept { from: "lsn" } as: "s" }
step { role: "client" close { on: "c" } id: "close" }
step { sleep { ms: 10 } }
expect { step: "close" error: "OK" duration_ms { max: 100 } }
expect { step: "close" platform: "windows" error: "OK" source: "doc" }
)"),
              IsOk());
}

TEST(CaseLoader, SyntaxErrorHasFileLineColumn) {
  EXPECT_THAT(Check("step { role: \"client\" close { on: \"c\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cases/demo.textproto:7:")));
}

TEST(CaseLoader, UnknownFieldIsNamedWithItsPosition) {
  EXPECT_THAT(Check("step { role: \"client\" close { onn: \"c\" } }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:6:34: ")));  // protobuf points after the name
  EXPECT_THAT(Check("step { role: \"client\" close { onn: \"c\" } }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("onn")));
}

TEST(CaseLoader, BadEnumValueIsRejected) {
  EXPECT_THAT(Check("step { role: \"client\" socket {} as: \"c\" }\n"
                    "step { role: \"client\" shutdown { on: \"c\" how: SIDEWAYS } }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:7:")));
}

TEST(CaseValidator, UnknownRoleIsRejectedAtItsLine) {
  EXPECT_THAT(Check("\nstep { role: \"clinet\" socket {} as: \"c\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:7:8: unknown role 'clinet'")));
}

TEST(CaseValidator, UnknownHandleIsRejectedAtItsField) {
  EXPECT_THAT(Check("step { role: \"client\" close { on: \"ghost\" } }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:6:31: unknown handle 'ghost'")));
}

TEST(CaseValidator, UseOfAClosedHandleIsRejectedWithWhereItWasClosed) {
  // The issue's case: accept on a listener closed two steps earlier.
  EXPECT_THAT(Check(R"(step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "client" connect { to: "lsn" } as: "c" }
step { role: "server" close { on: "lsn" } }
step { sleep { ms: 10 } }
step { role: "server" accept { from: "lsn" } as: "s" }
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:10:32: handle 'lsn' was closed by the "
                                 "step at cases/demo.textproto:8:1; `accept` cannot use a "
                                 "closed handle")));
  // Closing twice is a use too.
  EXPECT_THAT(Check(R"(step { role: "client" socket {} as: "c" }
step { role: "client" close { on: "c" } }
step { role: "client" close { on: "c" } }
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:8:31: handle 'c' was closed")));
}

TEST(CaseValidator, StatesOfAClosedHandleAndConnectsToItsAddressAreAllowed) {
  EXPECT_THAT(Check(R"(step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "server" close { on: "lsn" } }
step { role: "server" state { on: "lsn" } }
step { role: "server" wait_state { on: "lsn" state: "CLOSED" within_ms: 10 } }
step { role: "client" connect { to: "lsn" } as: "c" }
)"),
              IsOk());
}

TEST(CaseValidator, UseAfterCloseIsFollowedThroughEachGridIteration) {
  // Only the iteration that closes the listener uses it after close.
  const absl::Status s = Check(R"(param { name: "early" values: ["no", "yes"] }
step { role: "server" listen { port: "srv" } as: "lsn" }
step { when: "early=yes" role: "server" close { on: "lsn" } }
step { role: "client" connect { to: "lsn" } as: "c" }
step { role: "server" accept { from: "lsn" } as: "s" }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("cases/demo.textproto:10:32: handle 'lsn' was closed by the "
                                    "step at cases/demo.textproto:8:1")));
  EXPECT_THAT(std::string(s.message()), HasSubstr("(in demo[early=yes])"));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("early=no")));
}

TEST(CaseValidator, MinConclusiveRunsCannotExceedTheRuns) {
  EXPECT_THAT(Check("repeat: 4\nmin_conclusive_runs: 5\n"
                    "step { role: \"client\" socket {} as: \"c\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/demo.textproto:7:1: min_conclusive_runs must be 0..4")));
  EXPECT_THAT(Check("repeat: 4\nmin_conclusive_runs: 4\n"
                    "step { role: \"client\" socket {} as: \"c\" }\n"),
              IsOk());
}

TEST(CaseValidator, HandleOfAnotherRoleIsRejected) {
  EXPECT_THAT(Check("step { role: \"server\" socket {} as: \"s\" }\n"
                    "step { role: \"client\" close { on: \"s\" } }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("belongs to role 'server'")));
}

TEST(CaseValidator, HandleUsedBeforeItIsCreatedIsRejected) {
  EXPECT_THAT(Check("step { role: \"client\" close { on: \"c\" } }\n"
                    "step { role: \"client\" socket {} as: \"c\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown handle 'c'")));
}

TEST(CaseValidator, NameMustEqualTheFileStem) {
  EXPECT_THAT(Check("", "cases/other.textproto"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/other.textproto:1:1: name 'demo' must equal")));
}

TEST(CaseValidator, ExpectationsNeedKnownStepsNamesAndChecks) {
  const absl::Status s = Check(R"(step { role: "client" socket {} as: "c" id: "mk" }
expect { step: "nope" error: "OK" }
expect { step: "mk" error: "ECONRESET" }
expect { step: "mk" state: "TIMEWAIT" }
expect { step: "mk" platform: "plan9" error: "OK" }
expect { step: "mk" }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown step id 'nope'")));
  EXPECT_THAT(s.message(), HasSubstr(":8:"));  // every problem, each at its line
  EXPECT_THAT(s.message(), HasSubstr("unknown error name 'ECONRESET'"));
  EXPECT_THAT(s.message(), HasSubstr("unknown TCP state 'TIMEWAIT'"));
  EXPECT_THAT(s.message(), HasSubstr("unknown platform 'plan9'"));
  EXPECT_THAT(s.message(), HasSubstr("checks nothing"));
}

TEST(CaseValidator, ClaimMustBeOneOfTheListedClaims) {
  EXPECT_THAT(ParseCaseSet("cases/x.textproto",
                           "name: \"x\" claim: \"C21\" summary: \"s\" roles: [\"a\"] subject: \"a\"")
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("claim 'C21' is not a known claim (C1..C20")));
}

TEST(CaseValidator, AUsersClaimIsCitedWithItsPrefixAndAQuestionCitesNone) {
  absl::StatusOr<ClaimSet> claims = LoadClaims({"claims", "tests/testdata/user_claims/claims"});
  ASSERT_THAT(claims, IsOk());
  const std::string body =
      "summary: \"s\" roles: [\"a\"] subject: \"a\"\n"
      "step { role: \"a\" socket {} as: \"h\" }\n"
      "step { role: \"a\" close { on: \"h\" } id: \"c\" }\n"
      "expect { step: \"c\" error: \"OK\" }\n";
  EXPECT_THAT(ParseCaseSet("cases/x.textproto", "name: \"x\" claim: \"acme.S1\" " + body, *claims)
                  .status(),
              IsOk());
  EXPECT_THAT(ParseCaseSet("cases/x.textproto", "name: \"x\" " + body, *claims).status(), IsOk());
  EXPECT_THAT(ParseCaseSet("cases/x.textproto", "name: \"x\" claim: \"S1\" " + body, *claims).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cases/x.textproto:1:11: claim 'S1' is not a known claim "
                                 "(C1..C20, acme.S1")));
}

TEST(Claims, FilesAreCheckedLikeCases) {
  const std::string dir = ::testing::TempDir() + "/claims_check";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/a.textproto") << "claim { id: \"X1\" text: \"t\" }\n";
  std::ofstream(dir + "/b.textproto") << "claim { id: \"X2\" text: \"t\" }\n";
  std::ofstream(dir + "/c.textproto") << "prefix: \"Bad\"\nclaim { id: \"x.1\" }\n";
  absl::Status s = LoadClaims({dir}).status();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("only one claims file may go without a prefix")));
  EXPECT_THAT(std::string(s.message()), HasSubstr("c.textproto:1:1: prefix 'Bad'"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("c.textproto:2:1: claim id 'x.1'"));
  std::filesystem::remove_all(dir);
}

// The mistakes a new user made, each caught with how to fix it.
TEST(CaseValidator, MistakesComeWithTheirFix) {
  const std::string conn =
      "step { role: \"server\" listen { port: \"srv\" } as: \"lsn\" }\n"
      "step { role: \"client\" connect { to: \"lsn\" } as: \"c\" }\n"
      "step { role: \"client\" send { on: \"c\" bytes: 1 } id: \"sent\" }\n";
  EXPECT_THAT(Check(conn + "expect { step: \"sent\" state: \"CLOSED\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("`state` checks a state or wait_state step; step 'sent' is a "
                                 "send step, so it can never hold")));
  EXPECT_THAT(Check(conn + "expect { wire { from: \"client\" flags: \"F\" count: 1 min_count: 2 } }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`count` is exact")));
  EXPECT_THAT(Check(conn + "step { role: \"client\" shutdown { on: \"c\" how: SHUT_WR } }\n"
                           "expect { step: \"sent\" error: \"OK\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(one of SHUTDOWN_HOW_READ, SHUTDOWN_HOW_WRITE, SHUTDOWN_HOW_BOTH)")));
  EXPECT_THAT(Check(conn + "step { role: \"client\" wait_state { on: \"c\" state: \"FIN_WAIT2\" } }\n"
                           "expect { step: \"sent\" error: \"OK\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown TCP state 'FIN_WAIT2' (did you mean FIN_WAIT_2?)")));
  EXPECT_THAT(Check(conn + "expect { step: \"sent\" error: \"ECONNRESTE\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(did you mean ECONNRESET?)")));
  // `sigpipe` needs a send made without MSG_NOSIGNAL.
  EXPECT_THAT(Check(conn + "expect { step: \"sent\" sigpipe: true }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("add `allow_sigpipe: true` to step 'sent'")));
  EXPECT_THAT(Check(conn + "step { role: \"client\" send { on: \"c\" bytes: 1 allow_sigpipe: true } "
                           "id: \"raw\" }\nexpect { step: \"raw\" sigpipe: false }\n"),
              IsOk());
}

TEST(CaseValidator, CreatingStepsNeedAsAndOthersMustNotHaveIt) {
  EXPECT_THAT(Check("step { role: \"client\" socket {} }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must name its handle")));
  EXPECT_THAT(Check("step { role: \"client\" socket {} as: \"c\" }\n"
                    "step { role: \"client\" close { on: \"c\" } as: \"d\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a close step creates no handle: drop `as`")));
}

TEST(CaseValidator, ConnectNeedsExactlyOneTarget) {
  EXPECT_THAT(Check("step { role: \"client\" connect { } as: \"c\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("connect needs either")));
}

// The new calls: poll events, names, placements; each mistake says how to fix it.
TEST(CaseValidator, PollNamesAndPlacementsAreChecked) {
  const std::string conn =
      "step { role: \"server\" listen { port: \"srv\" } as: \"lsn\" }\n"
      "step { role: \"client\" connect { to: \"lsn\" } as: \"c\" }\n"
      "step { role: \"client\" poll { on: \"c\" events: [POLL_EVENT_IN] } id: \"p\" }\n"
      "step { role: \"client\" getpeername { on: \"c\" } id: \"n\" }\n";
  EXPECT_THAT(Check(conn + "expect { step: \"p\" fired: [POLL_EVENT_IN, POLL_EVENT_HUP] }\n"
                           "expect { step: \"n\" endpoint: \"server:srv\" }\n"),
              IsOk());
  EXPECT_THAT(Check(conn + "step { role: \"client\" poll { on: \"c\" events: [POLL_EVENT_ERR] } }\n"
                           "expect { step: \"p\" result: 0 }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a poll waits for POLL_EVENT_IN, POLL_EVENT_OUT or POLL_EVENT_RDHUP, "
                                 "not POLL_EVENT_ERR")));
  EXPECT_THAT(Check(conn + "step { role: \"client\" poll { on: \"c\" } }\nexpect { step: \"p\" result: 0 }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("poll needs `events`")));
  EXPECT_THAT(Check(conn + "expect { step: \"n\" fired: [POLL_EVENT_IN] }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("`fired` checks a poll step; step 'n' is a getpeername step")));
  EXPECT_THAT(Check(conn + "expect { step: \"p\" endpoint: \"any:srv\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("`endpoint` checks a getsockname or getpeername step")));
  EXPECT_THAT(Check(conn + "expect { step: \"n\" endpoint: \"srv\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must be ADDRESS:PORT")));
  EXPECT_THAT(Check(conn + "expect { step: \"n\" endpoint: \"sever:srv\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(did you mean server?)")));
  EXPECT_THAT(Check(conn + "expect { step: \"n\" endpoint: \"server:svr\" }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("(did you mean srv?)")));
  EXPECT_THAT(Check(conn + "expect { step: \"p\" fired_includes: [POLL_EVENT_IN] not_fired: [POLL_EVENT_IN] }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("POLL_EVENT_IN is in both fired_includes and not_fired")));
  EXPECT_THAT(Check(conn + "placement { role: \"client\" beside: \"server\" process: PROCESS_OWN }\n"
                           "expect { step: \"p\" result: 0 }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("must be one of the roles other than the subject 'client'")));
  EXPECT_THAT(Check(conn + "placement { role: \"server\" beside: \"server\" }\n"
                           "expect { step: \"p\" result: 0 }\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("`beside` must name another role")));
}

TEST(CaseValidator, ABlockingAcceptMayWaitInTheBackground) {
  EXPECT_THAT(Check(R"(
step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "server" accept { from: "lsn" within_ms: 1000 } as: "s" background: true id: "a" }
step { role: "server" shutdown { on: "lsn" how: SHUTDOWN_HOW_BOTH } }
step { join {} }
step { role: "server" close { on: "s" } }
expect { step: "a" error: "EINVAL" }
)"),
              IsOk());
}

TEST(CaseValidator, AHandleMadeInTheBackgroundNeedsAJoinBeforeUse) {
  absl::Status s = Check(R"(
step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "server" accept { from: "lsn" } as: "s" background: true }
step { role: "server" close { on: "s" } }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("cases/demo.textproto:9:31: handle 's' is made by the "
                                    "background step at cases/demo.textproto:8:1")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("add `step { join {} }` before this step")));
}

TEST(CaseValidator, SleepAndDropCannotRunInTheBackgroundAndSayWhatToDo) {
  absl::Status s = Check(R"(
step { sleep { ms: 10 } background: true }
step { role: "client" drop { peer: "server" } as: "f" background: true }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("a sleep step only waits, so it cannot run in the "
                                    "background: drop `background`")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("a drop step cannot run in the background: the fault must "
                                    "be in place")));
}

TEST(CaseValidator, KindsAreNamedWithTheirArticle) {
  EXPECT_THAT(Check(R"(
step { role: "server" listen { port: "srv" } as: "lsn" }
step { role: "server" accept { from: "lsn" } }
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("an accept step must name its handle: add `as: \"NAME\"`")));
}

TEST(CaseValidator, EachProblemIsToldOncePerPosition) {
  absl::Status s = Check(R"(
param { name: "p" values: ["a", "b"] }
step { role: "client" close { on: "ghost" } }
)");
  ASSERT_FALSE(s.ok());
  const std::string text(s.message());
  const std::string problem = "cases/demo.textproto:8:31: unknown handle 'ghost'";
  EXPECT_THAT(text, HasSubstr(problem));
  EXPECT_EQ(text.find(problem), text.rfind(problem)) << text;
}

TEST(CaseValidator, EverySemanticProblemOfAFileIsToldInOnePass) {
  absl::Status s = Check(R"(
step { role: "clinet" socket {} as: "c" }
step { role: "client" close { on: "ghost" } }
expect { step: "nowhere" error: "ECONNRESET" }
expect { step: "nowhere" error: "ECONNRSET" }
)");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("unknown role 'clinet' (did you mean client?)"));
  EXPECT_THAT(s.message(), HasSubstr("unknown handle 'ghost'"));
  EXPECT_THAT(s.message(), HasSubstr("unknown step id 'nowhere'"));
  EXPECT_THAT(s.message(), HasSubstr("unknown error name 'ECONNRSET' (did you mean ECONNRESET?)"));
}

TEST(CaseLoader, EveryStatementThatDoesNotParseIsToldInOnePass) {
  absl::Status s = Check(R"(step { role: "client" socket {} as: "c" }
step { role: "client" close { onn: "c" } }
step { role: "client" shutdown { on: "c" how: SIDEWAYS } }
step { role: "client" close { on: "c" } }
)");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("cases/demo.textproto:7:"));
  EXPECT_THAT(s.message(), HasSubstr("onn"));
  EXPECT_THAT(s.message(), HasSubstr("cases/demo.textproto:8:"));
  EXPECT_THAT(s.message(), HasSubstr("SIDEWAYS"));
}

TEST(CaseValidator, RecvUntilEofAndItsCapAreChecked) {
  EXPECT_THAT(Check(R"(
step { role: "client" socket {} as: "c" }
step { role: "client" recv { on: "c" until_eof: true max_total_bytes: 100000 } id: "r" }
expect { step: "r" error: "OK" ends: true result_range { min: 1 max: 100000 } }
)"),
              IsOk());
  absl::Status s = Check(R"(
step { role: "client" socket {} as: "c" }
step { role: "client" recv { on: "c" until_eof: true peek: true } id: "r" }
step { role: "client" recv { on: "c" max_total_bytes: 10 } }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("drop `peek` or `until_eof`")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("add `until_eof: true`")));
}

TEST(CaseValidator, ResultRangeIsCheckedLikeTheOtherRanges) {
  absl::Status s = Check(R"(
step { role: "client" socket {} as: "c" }
step { role: "client" recv { on: "c" } id: "r" }
step { sleep { ms: 10 } id: "z" }
expect { step: "r" result_range { min: 10 max: 1 } }
expect { step: "r" result: 5 result_range { min: 1 } }
expect { step: "z" result_range { min: 1 } }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("result_range: min 10 is above max 1: swap them")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("keep one of them")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("step 'z' is a sleep step, so it can never hold")));
}

TEST(CaseValidator, DupMakesAHandleOfTheSameRole) {
  EXPECT_THAT(Check(R"(
step { role: "client" socket {} as: "c" }
step { role: "client" dup { on: "c" } as: "c2" id: "d" }
step { role: "client" close { on: "c" } }
step { role: "client" close { on: "c2" } }
expect { step: "d" error: "OK" }
)"),
              IsOk());
  EXPECT_THAT(Check(R"(
step { role: "client" socket {} as: "c" }
step { role: "client" dup { on: "c" } }
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a dup step must name its handle")));
}

TEST(CaseValidator, AGridProblemDoesNotHideTheStepsProblems) {
  absl::Status s = Check(R"(
param { name: "p" values: ["a", "b"] }
step { when: "q=a" role: "client" socket {} as: "c" }
step { role: "client" close { on: "ghost" } }
)");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("condition 'q=a' names no declared parameter")));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown handle 'ghost'")));
}

}  // namespace
}  // namespace closeprobe::controller
