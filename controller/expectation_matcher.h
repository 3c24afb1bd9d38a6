// ExpectationMatcher: compares a case's recorded steps with its
// expectations for one platform, and decides two separate things:
//   - the verdict: did every expectation that applies to this platform hold?
//     (the platform's own expectation for a step where it has one, else
//     the claim's);
//   - the claim status: did every claim-level expectation hold here?
// A platform may match its documented behaviour and still refute the claim.
#ifndef CLOSEPROBE_CONTROLLER_EXPECTATION_MATCHER_H_
#define CLOSEPROBE_CONTROLLER_EXPECTATION_MATCHER_H_

#include <string>

#include "closeprobe/v1/case.pb.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

// Fills result->expectations, verdict (MATCHED/DEVIATED), claim_status and
// key_observation from result->steps. Leaves ERROR/NOT_SUPPORTED verdicts as
// they are (they are decided by the runner). `version` is the platform's
// stack version, for expectations scoped by platform_version.
void MatchExpectations(const v1::Case& spec, const std::string& platform,
                       const std::string& version, v1::CaseResult* result);

// What an expectation asks for, as written in reports: "error=EPIPE
// duration_ms in [, 100]", "wire: client sends R x1".
std::string DescribeExpectation(const v1::Expectation& e);

// An expectation that did not hold, as one line:
// "step send2 expected error=EPIPE, observed error=ENOTCONN ..." (wire
// checks say "expected wire: ..." without a step).
std::string DescribeMiss(const v1::ExpectationResult& e);

// What a step observed, in the form expectations are written in:
// "error=EPIPE", "state=TIME_WAIT", "reached=true", "duration_ms=12.3".
std::string DescribeObservation(const v1::StepRecord& step);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_EXPECTATION_MATCHER_H_
