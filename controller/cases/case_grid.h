// CaseGrid: a case's parameter grid (case.proto: param, exclude, when,
// claim_when) expanded into iterations, each an ordinary case named
// "name[p1=v1,p2=v2]" holding only the steps and expectations whose
// conditions hold. A case without parameters is its own single iteration.
//
// Conditions are written "param=value", "param=v1|v2" or "param!=value".
#ifndef CLOSEPROBE_CONTROLLER_CASE_GRID_H_
#define CLOSEPROBE_CONTROLLER_CASE_GRID_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/cases/case_loader.h"

namespace closeprobe::controller {

struct GridCondition {
  std::string param;
  std::set<std::string> values;
  bool negated = false;  // "!="
};

// InvalidArgument (without a location) for text that is not a condition.
absl::StatusOr<GridCondition> ParseGridCondition(const std::string& text);

// A `when` list: it holds when every condition in it holds.
using Conditions = std::vector<GridCondition>;

// Every `when` list of a case, parsed once, by the validator, which tells
// what does not parse; one per entry, in the file's order.
struct CaseConditions {
  std::vector<Conditions> steps, expects, settings, placements, exclusions, claim_choices;
};

// True when every condition holds for `values` (param -> value).
bool ConditionsHold(const Conditions& conditions, const std::map<std::string, std::string>& values);

// The row name of an iteration: "name" or "name[a=x,b=y]".
std::string IterationName(
    const std::string& base,
    const std::vector<std::pair<std::string, std::string>>& parameters);

// Every combination of the parameters' values not excluded, in declaration
// order (the last parameter varies fastest), with `when` the case's
// conditions. Call once the grid's declarations are valid.
std::vector<LoadedCase> ExpandGrid(const LoadedCase& c, const CaseConditions& when);

// The same iteration run with its other roles on `peer_platform`: the name
// gains "peer=P" as a last parameter.
LoadedCase WithPeerPlatform(const LoadedCase& c,
                            const std::string& peer_platform);

}  // namespace closeprobe::controller

#endif  // CLOSEPROBE_CONTROLLER_CASE_GRID_H_
