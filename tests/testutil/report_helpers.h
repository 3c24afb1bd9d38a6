// Reading a run's record in tests: find a case's result, count segments.
#ifndef CLOSEPROBE_TESTS_TESTUTIL_REPORT_HELPERS_H_
#define CLOSEPROBE_TESTS_TESTUTIL_REPORT_HELPERS_H_

#include <gtest/gtest.h>

#include <string>

#include "closeprobe/v1/report.pb.h"

namespace closeprobe::testing {

// The (first) result of a case (a row name, "case[param=value,...]"), on
// `platform` if one is given; nullptr if the report has none.
inline const v1::CaseResult* FindCase(const v1::Report& report, const std::string& name,
                                      const std::string& platform = "") {
  for (const auto& r : report.results()) {
    if (r.case_name() == name && (platform.empty() || r.platform() == platform)) return &r;
  }
  return nullptr;
}

// The same, for a row the test needs: a failure if the report lacks it (the
// report's first result is returned then, so the test can go on).
inline const v1::CaseResult& RequireCase(const v1::Report& report, const std::string& name,
                                         const std::string& platform = "") {
  const v1::CaseResult* r = FindCase(report, name, platform);
  if (r == nullptr) ADD_FAILURE() << "no result for " << name << " " << platform;
  return r != nullptr ? *r : report.results(0);
}

// The record of the step with this id; nullptr if the run has none.
inline const v1::StepRecord* FindStep(const v1::CaseResult& r, const std::string& id) {
  for (const auto& s : r.steps()) {
    if (s.id() == id) return &s;
  }
  return nullptr;
}

// What the step with this id observed: the state, or the call's error name.
inline std::string StepObserved(const v1::CaseResult& r, const std::string& id) {
  const v1::StepRecord* s = FindStep(r, id);
  if (s == nullptr) return "no such step";
  if (s->has_wait()) return v1::TcpState_Name(s->wait().state());
  if (s->has_state()) return v1::TcpState_Name(s->state().state());
  return v1::ErrorName_Name(s->result().error());
}

// Segments `role` sent with every flag letter in `flags`.
inline int SentSegments(const v1::CaseResult& r, const std::string& role,
                        const std::string& flags) {
  int n = 0;
  for (const auto& s : r.segments()) {
    bool all = s.from_role() == role;
    for (char f : flags) all = all && s.flags().find(f) != std::string::npos;
    n += all ? 1 : 0;
  }
  return n;
}

}  // namespace closeprobe::testing

#endif  // CLOSEPROBE_TESTS_TESTUTIL_REPORT_HELPERS_H_
