// ExpectationChecks: an expectation resolved once, when its case is loaded,
// into typed checks: each knows the Expectation field it was written as,
// what a step must observe for it to mean anything (step_kinds.h), how it
// holds against the step's record and how reports describe it. The
// validator, the matcher and the describers iterate the list; none lists
// the fields again. A wire check is about the capture, not a step, and
// stays with the judge (judge/wire_checks.h).
#ifndef CLOSEPROBE_CONTROLLER_CASES_EXPECTATION_CHECKS_H_
#define CLOSEPROBE_CONTROLLER_CASES_EXPECTATION_CHECKS_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "closeprobe/v1/case.pb.h"
#include "closeprobe/v1/report.pb.h"

namespace closeprobe::controller {

class Check {
 public:
  virtual ~Check() = default;
  // The Expectation field it was written as ("state"), for errors.
  virtual const char* field() const = 0;
  // The Observation bits a step kind needs for the check to fit it; 0:
  // every kind (a duration).
  virtual uint32_t needs() const = 0;
  // Against a step that was performed (not skipped).
  virtual bool Holds(const v1::StepRecord& step) const = 0;
  // As reports write it: "error=EPIPE", "fired includes IN"; "" for nothing.
  virtual std::string Describe() const = 0;
};

// In the order reports describe them.
using ExpectationChecks = std::vector<std::shared_ptr<const Check>>;

// The names a case gives, for checking what an expectation names.
struct CaseNames {
  std::set<std::string> roles;
  std::set<std::string> ports;  // port names of the case's steps
};

// A name an expectation gives that resolves to nothing.
struct CheckProblem {
  const char* field;
  std::string message;
};

// The checks `e` asks of its step (none for a wire check). A name that does
// not resolve adds a problem, and its check stays (it then holds nowhere);
// `names` null: names of the case are not checked (an expectation read
// back from a report), and `problems` may be null.
ExpectationChecks ResolveChecks(const v1::Expectation& e, const CaseNames* names,
                                std::vector<CheckProblem>* problems);

// Every check holds against a performed step.
bool ChecksHold(const ExpectationChecks& checks, const v1::StepRecord& step);

// The checks as reports write them, joined by spaces.
std::string DescribeChecks(const ExpectationChecks& checks);

// How long a step took, in ms. A wait on a stack with a clock of its own
// (lwIP fast-forward) counts in the stack's time: what the stack counted.
double DurationMs(const v1::StepRecord& step);

// The state a state or wait_state step observed; UNSPECIFIED for others.
v1::TcpState ObservedState(const v1::StepRecord& step);

// SO_LINGER as reports write it: "{1,5}".
std::string LingerText(const v1::Linger& l);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASES_EXPECTATION_CHECKS_H_
