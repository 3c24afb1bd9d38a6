#include "controller/cases/case_grid.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace closeprobe::controller {
namespace {

using Values = std::map<std::string, std::string>;

// Odometer over the parameters' value lists; false once every combination
// has been visited.
bool Next(const v1::Case& spec, std::vector<int>* at) {
  for (int i = spec.param_size() - 1; i >= 0; --i) {
    if (++(*at)[i] < spec.param(i).values_size()) return true;
    (*at)[i] = 0;
  }
  return false;
}

// The entries of `from` whose `when` conditions hold, with the index each
// had in the file.
template <typename Entry>
void KeepWhere(const google::protobuf::RepeatedPtrField<Entry>& from,
               const std::vector<Conditions>& when, const Values& values,
               google::protobuf::RepeatedPtrField<Entry>* into, std::vector<int>* origin) {
  into->Clear();
  for (int i = 0; i < from.size(); ++i) {
    if (!ConditionsHold(when.at(i), values)) continue;
    *into->Add() = from.Get(i);
    origin->push_back(i);
  }
}

// The iteration whose parameters have these values (param -> value).
LoadedCase Iteration(const LoadedCase& c, const CaseConditions& when, const Values& values) {
  LoadedCase it;
  it.file = c.file;
  it.locations = c.locations;
  it.base_name = c.base_name;
  for (const v1::Parameter& p : c.spec.param()) {
    it.parameters.emplace_back(p.name(), values.at(p.name()));
  }
  it.spec = c.spec;
  std::vector<int> step_origin, expect_origin;
  KeepWhere(c.spec.step(), when.steps, values, it.spec.mutable_step(), &step_origin);
  KeepWhere(c.spec.expect(), when.expects, values, it.spec.mutable_expect(), &expect_origin);
  for (size_t i = 0; i < step_origin.size(); ++i) {
    it.steps.push_back({it.spec.step(i), step_origin[i], {}});
  }
  for (size_t i = 0; i < expect_origin.size(); ++i) {
    it.expects.push_back({it.spec.expect(i), expect_origin[i], {}, {}});
  }
  KeepWhere(c.spec.settings(), when.settings, values, it.spec.mutable_settings(),
            &it.origins["settings"]);
  KeepWhere(c.spec.placement(), when.placements, values, it.spec.mutable_placement(),
            &it.origins["placement"]);
  for (int i = 0; i < c.spec.claim_when_size(); ++i) {
    const v1::ClaimChoice& choice = c.spec.claim_when(i);
    if (!ConditionsHold(when.claim_choices.at(i), values)) continue;
    it.spec.set_claim(choice.claim());
    if (!choice.summary().empty()) it.spec.set_summary(choice.summary());
    break;
  }
  it.spec.set_name(IterationName(c.base_name, it.parameters));
  return it;
}

}  // namespace

absl::StatusOr<GridCondition> ParseGridCondition(const std::string& text) {
  GridCondition c;
  size_t eq = text.find("!=");
  size_t value_at = eq + 2;
  if (eq != std::string::npos) {
    c.negated = true;
  } else {
    eq = text.find('=');
    value_at = eq + 1;
  }
  if (eq == std::string::npos || eq == 0 || value_at >= text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("condition '", text,
                     "' is not param=value, param=v1|v2 or param!=value"));
  }
  c.param = std::string(absl::StripAsciiWhitespace(text.substr(0, eq)));
  for (absl::string_view v : absl::StrSplit(text.substr(value_at), '|')) {
    v = absl::StripAsciiWhitespace(v);
    if (v.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("condition '", text, "' has an empty value"));
    }
    c.values.insert(std::string(v));
  }
  return c;
}

bool ConditionsHold(const Conditions& conditions, const Values& values) {
  for (const GridCondition& c : conditions) {
    auto v = values.find(c.param);
    const bool in = v != values.end() && c.values.count(v->second) > 0;
    if (in == c.negated) return false;
  }
  return true;
}

std::string IterationName(
    const std::string& base,
    const std::vector<std::pair<std::string, std::string>>& parameters) {
  if (parameters.empty()) return base;
  return absl::StrCat(
      base, "[", absl::StrJoin(parameters, ",", absl::PairFormatter("=")), "]");
}

std::vector<LoadedCase> ExpandGrid(const LoadedCase& c, const CaseConditions& when) {
  std::vector<LoadedCase> out;
  std::vector<int> at(c.spec.param_size(), 0);
  for (const v1::Parameter& p : c.spec.param()) {
    if (p.values().empty()) return out;
  }
  do {
    Values values;
    for (int i = 0; i < c.spec.param_size(); ++i) {
      values[c.spec.param(i).name()] = c.spec.param(i).values(at[i]);
    }
    bool excluded = false;
    for (const Conditions& exclusion : when.exclusions) {
      excluded = excluded || ConditionsHold(exclusion, values);
    }
    if (!excluded) out.push_back(Iteration(c, when, values));
  } while (c.spec.param_size() > 0 && Next(c.spec, &at));
  return out;
}

LoadedCase WithPeerPlatform(const LoadedCase& c,
                            const std::string& peer_platform) {
  LoadedCase p = c;
  p.peer_platform = peer_platform;
  p.parameters.emplace_back("peer", peer_platform);
  p.spec.set_name(IterationName(c.base_name, p.parameters));
  return p;
}

}  // namespace closeprobe::controller
