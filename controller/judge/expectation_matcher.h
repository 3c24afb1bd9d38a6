// ExpectationMatcher: compares a run's recorded steps and segments with its
// case's expectations for one platform, and records for each whether it held
// and what was observed: the platform's own expectation for a step where it
// has one (the claim's then does not apply to the verdict), the claim's
// otherwise, and every premise. It decides no verdict: verdicts.h does, from
// what it records.
#ifndef CLOSEPROBE_CONTROLLER_EXPECTATION_MATCHER_H_
#define CLOSEPROBE_CONTROLLER_EXPECTATION_MATCHER_H_

#include <string>

#include "closeprobe/v1/case.pb.h"
#include "closeprobe/v1/report.pb.h"
#include "controller/cases/case_loader.h"
#include "controller/cases/expectation_checks.h"  // DurationMs

namespace closeprobe::controller {

// Fills result->expectations, outcome, outcome_parts and key_observation
// from result->steps and ->segments. `version` is the platform's stack
// version, for expectations scoped by platform_version.
void MatchExpectations(const LoadedCase& c, const std::string& platform,
                       const std::string& version, v1::CaseResult* result);

// The platform whose expectations judge a column's record, given the
// platform its subject agent reports: the column's own where the platform
// table knows it and the subject is the platform it falls back on (the
// agent of lwip-firmware-esp-idf speaks as lwip, and the column takes its
// own expectations first, then lwip's), the subject's otherwise (a column
// "linux@host" is judged as linux).
std::string JudgedPlatform(const std::string& column, const std::string& subject);

// What an expectation asks for, as written in reports: "error=EPIPE
// duration_ms in [, 100]", "wire: client sends R x1".
std::string DescribeExpectation(const v1::Expectation& e);

// An expectation that did not hold, as one line:
// "step send2 expected error=EPIPE, observed error=ENOTCONN ..." (wire
// checks say "expected wire: ..." without a step).
std::string DescribeMiss(const v1::ExpectationResult& e);

// What a step observed, in the form expectations are written in:
// "error=EPIPE", "state=TIME_WAIT", "reached=true", "duration_ms=12.3".
// `sent_without_nosignal`: a send step with allow_sigpipe, whose record
// says whether it raised SIGPIPE.
std::string DescribeObservation(const v1::StepRecord& step, bool sent_without_nosignal = false);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_EXPECTATION_MATCHER_H_
