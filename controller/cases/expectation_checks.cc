#include "controller/cases/expectation_checks.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "controller/cases/did_you_mean.h"
#include "controller/cases/names.h"
#include "controller/cases/step_kinds.h"

namespace closeprobe::controller {
namespace {

bool HasCall(const v1::StepRecord& s) { return s.has_result(); }

// The call failed with an error of the stack (the agent's TIMEOUT is none).
bool Failed(const v1::StepRecord& s) {
  return s.result().error() != v1::ERROR_NAME_OK && s.result().error() != v1::ERROR_NAME_TIMEOUT;
}

// A recv that ended the stream for its reader: 0 bytes, or failed. A recv
// until_eof says whether it reached the end (its result is the total).
bool Ended(const v1::StepRecord& s) {
  if (s.has_reached_eof()) return Failed(s) || s.reached_eof();
  return Failed(s) || (s.result().error() == v1::ERROR_NAME_OK && s.result().return_value() == 0);
}

std::string BoolText(bool b) { return b ? "true" : "false"; }

// "[min, max]", either end left empty when open.
std::string RangeText(const v1::Range& r) {
  return absl::StrFormat("[%s, %s]", r.has_min() ? absl::StrCat(r.min()) : "",
                         r.has_max() ? absl::StrCat(r.max()) : "");
}

bool InRange(const v1::Range& r, double v) {
  return !(r.has_min() && v < r.min()) && !(r.has_max() && v > r.max());
}

// A check made of a field, what it needs, a test and a description; every
// expectation field is one of these.
template <typename Want>
class FieldCheck final : public Check {
 public:
  using Test = bool (*)(const Want&, const v1::StepRecord&);
  using Text = std::string (*)(const Want&);
  FieldCheck(const char* field, uint32_t needs, Want want, Test test, Text text)
      : field_(field), needs_(needs), want_(std::move(want)), test_(test), text_(text) {}
  const char* field() const override { return field_; }
  uint32_t needs() const override { return needs_; }
  bool Holds(const v1::StepRecord& s) const override { return test_(want_, s); }
  std::string Describe() const override { return text_(want_); }

 private:
  const char* field_;
  uint32_t needs_;
  Want want_;
  Test test_;
  Text text_;
};

// A name as written and what it resolved to.
template <typename Enum>
struct Named {
  std::string text;
  Enum value;
};

struct PollSet {
  std::set<int> events;
  google::protobuf::RepeatedField<int> as_written;
};

// An endpoint as the case names it: ADDRESS (a role, "any" or "*") and PORT
// (a port name, "ephemeral", "0" or "*").
struct EndpointName {
  std::string text;
  std::string address;
  std::string port;
};

bool Fired(const v1::StepRecord& s, int event) {
  const auto& fired = s.poll().fired();
  return std::find(fired.begin(), fired.end(), event) != fired.end();
}

class Builder {
 public:
  Builder(const v1::Expectation& e, const CaseNames* names, std::vector<CheckProblem>* problems)
      : e_(e), names_(names), problems_(problems) {}

  ExpectationChecks Build() {
    if (e_.has_wire()) return {};
    if (!e_.error().empty()) AddError();
    if (e_.has_result()) {
      Add<int64_t>("result", kCallResult, e_.result(),
                   [](const int64_t& w, const v1::StepRecord& s) {
                     return HasCall(s) && s.result().return_value() == w;
                   },
                   [](const int64_t& w) { return absl::StrCat("result=", w); });
    }
    if (e_.has_result_range()) {
      const v1::Range& r = e_.result_range();
      if (r.has_min() && r.has_max() && r.min() > r.max()) {
        Problem("result_range",
                absl::StrCat("result_range: min ", r.min(), " is above max ", r.max(), ": swap them"));
      }
      if (e_.has_result()) {
        Problem("result_range", "`result` is exact and `result_range` a range: keep one of them");
      }
      Add<v1::Range>("result_range", kCallResult, r,
                     [](const v1::Range& w, const v1::StepRecord& s) {
                       return HasCall(s) && InRange(w, s.result().return_value());
                     },
                     [](const v1::Range& w) { return absl::StrCat("result in ", RangeText(w)); });
    }
    if (e_.has_fails()) {
      Add<bool>("fails", kCallResult, e_.fails(),
                [](const bool& w, const v1::StepRecord& s) { return HasCall(s) && Failed(s) == w; },
                [](const bool& w) -> std::string {
                  return w ? "fails (any error)" : "does not fail";
                });
    }
    if (e_.has_ends()) {
      Add<bool>("ends", kBytesRead, e_.ends(),
                [](const bool& w, const v1::StepRecord& s) { return HasCall(s) && Ended(s) == w; },
                [](const bool& w) -> std::string {
                  return w ? "ends (0 or any error)" : "does not end";
                });
    }
    if (e_.has_sigpipe()) {
      Add<bool>("sigpipe", kSigpipe, e_.sigpipe(),
                [](const bool& w, const v1::StepRecord& s) {
                  return HasCall(s) && s.result().sigpipe_raised() == w;
                },
                [](const bool& w) -> std::string { return w ? "SIGPIPE raised" : "no SIGPIPE"; });
    }
    if (!e_.state().empty()) {
      Add<Named<v1::TcpState>>(
          "state", kTcpState, {e_.state(), State("state", e_.state())},
          [](const Named<v1::TcpState>& w, const v1::StepRecord& s) {
            return w.value == v1::TCP_STATE_UNSPECIFIED || ObservedState(s) == w.value;
          },
          [](const Named<v1::TcpState>& w) { return absl::StrCat("state=", w.text); });
    }
    if (!e_.seen().empty()) {
      Add<Named<v1::TcpState>>(
          "seen", kStatePath, {e_.seen(), State("seen", e_.seen())},
          [](const Named<v1::TcpState>& w, const v1::StepRecord& s) {
            if (w.value == v1::TCP_STATE_UNSPECIFIED) return true;
            if (!s.has_wait()) return false;
            for (const auto& t : s.wait().transitions()) {
              if (t.state() == w.value) return true;
            }
            return false;
          },
          [](const Named<v1::TcpState>& w) { return absl::StrCat("seen ", w.text); });
    }
    if (e_.has_value()) {
      Add<int64_t>("value", kOptionValue, e_.value(),
                   [](const int64_t& w, const v1::StepRecord& s) {
                     return s.has_option() && s.option().value() == w;
                   },
                   [](const int64_t& w) { return absl::StrCat("value=", w); });
    }
    if (e_.has_linger()) {
      Add<v1::Linger>("linger", kOptionValue, e_.linger(),
                      [](const v1::Linger& w, const v1::StepRecord& s) {
                        const v1::Linger& l = s.option().linger();
                        return s.option().has_linger() && l.enabled() == w.enabled() &&
                               l.seconds() == w.seconds();
                      },
                      [](const v1::Linger& w) { return absl::StrCat("linger=", LingerText(w)); });
    }
    AddPoll();
    if (!e_.endpoint().empty()) AddEndpoint();
    if (e_.has_reached()) {
      Add<bool>("reached", kStatePath, e_.reached(),
                [](const bool& w, const v1::StepRecord& s) {
                  return s.has_wait() && s.wait().reached() == w;
                },
                [](const bool& w) { return absl::StrCat("reached=", BoolText(w)); });
    }
    if (e_.has_timer_ms()) {
      Add<v1::Range>("timer_ms", kTimer, e_.timer_ms(),
                     [](const v1::Range& w, const v1::StepRecord& s) {
                       if (!w.has_min() && !w.has_max()) return true;
                       const int64_t left = s.state().connection().timer_remaining_ms();
                       return s.has_state() && left >= 0 && InRange(w, left);
                     },
                     [](const v1::Range& w) -> std::string {
                       if (!w.has_min() && !w.has_max()) return "";
                       return absl::StrCat("timer_ms in ", RangeText(w));
                     });
    }
    const v1::Range& d = e_.duration_ms();
    if (d.has_min() || d.has_max()) {
      if (d.has_min() && d.has_max() && d.min() > d.max()) {
        Problem("duration_ms", "duration_ms: min is above max");
      }
      Add<v1::Range>("duration_ms", kObservesNothing, d,
                     [](const v1::Range& w, const v1::StepRecord& s) {
                       return InRange(w, DurationMs(s));
                     },
                     [](const v1::Range& w) { return absl::StrCat("duration_ms in ", RangeText(w)); });
    }
    return std::move(checks_);
  }

 private:
  template <typename Want>
  void Add(const char* field, uint32_t needs, Want want,
           typename FieldCheck<Want>::Test test, typename FieldCheck<Want>::Text text) {
    checks_.push_back(
        std::make_shared<FieldCheck<Want>>(field, needs, std::move(want), test, text));
  }

  void Problem(const char* field, std::string message) {
    if (problems_ != nullptr) problems_->push_back({field, std::move(message)});
  }

  void AddError() {
    v1::ErrorName error = v1::ERROR_NAME_UNSPECIFIED;
    if (!ParseErrorText(e_.error(), &error)) {
      Problem("error", absl::StrCat("unknown error name '", e_.error(), "'",
                                    DidYouMean(e_.error(), ErrorTexts())));
    }
    Add<Named<v1::ErrorName>>(
        "error", kCallResult, {e_.error(), error},
        [](const Named<v1::ErrorName>& w, const v1::StepRecord& s) {
          return w.value == v1::ERROR_NAME_UNSPECIFIED ||
                 (HasCall(s) && s.result().error() == w.value);
        },
        [](const Named<v1::ErrorName>& w) { return absl::StrCat("error=", w.text); });
  }

  v1::TcpState State(const char* field, const std::string& text) {
    v1::TcpState state = v1::TCP_STATE_UNSPECIFIED;
    if (!ParseStateText(text, &state)) {
      Problem(field, absl::StrCat("unknown TCP state '", text, "'", DidYouMean(text, StateTexts())));
    }
    return state;
  }

  void AddPoll() {
    auto set = [](const google::protobuf::RepeatedField<int>& events) {
      return PollSet{std::set<int>(events.begin(), events.end()), events};
    };
    if (!e_.fired().empty()) {
      Add<PollSet>("fired", kPollEvents, set(e_.fired()),
                   [](const PollSet& w, const v1::StepRecord& s) {
                     return s.has_poll() && w.events == std::set<int>(s.poll().fired().begin(),
                                                                      s.poll().fired().end());
                   },
                   [](const PollSet& w) { return absl::StrCat("fired=", PollEventsText(w.as_written)); });
    }
    if (!e_.fired_includes().empty()) {
      Add<PollSet>("fired_includes", kPollEvents, set(e_.fired_includes()),
                   [](const PollSet& w, const v1::StepRecord& s) {
                     if (!s.has_poll()) return false;
                     for (int f : w.events) {
                       if (!Fired(s, f)) return false;
                     }
                     return true;
                   },
                   [](const PollSet& w) {
                     return absl::StrCat("fired includes ", PollEventsText(w.as_written));
                   });
    }
    if (!e_.not_fired().empty()) {
      for (int f : e_.fired_includes()) {
        if (std::find(e_.not_fired().begin(), e_.not_fired().end(), f) != e_.not_fired().end()) {
          Problem("not_fired", absl::StrCat(v1::PollEvent_Name(f),
                                            " is in both fired_includes and not_fired"));
        }
      }
      Add<PollSet>("not_fired", kPollEvents, set(e_.not_fired()),
                   [](const PollSet& w, const v1::StepRecord& s) {
                     if (!s.has_poll()) return false;
                     for (int f : w.events) {
                       if (Fired(s, f)) return false;
                     }
                     return true;
                   },
                   [](const PollSet& w) {
                     return absl::StrCat("not fired ", PollEventsText(w.as_written));
                   });
    }
  }

  void AddEndpoint() {
    const std::string& text = e_.endpoint();
    const size_t colon = text.rfind(':');
    EndpointName want{text, "", ""};
    if (colon == std::string::npos) {
      Problem("endpoint", absl::StrCat("endpoint '", text, "' must be ADDRESS:PORT, e.g. "
                                       "\"any:srv\" or \"server:srv\""));
    } else {
      want.address = text.substr(0, colon);
      want.port = text.substr(colon + 1);
      if (names_ != nullptr) CheckEndpointNames(want);
    }
    Add<EndpointName>(
        "endpoint", kLocalEndpoint | kPeerEndpoint, want,
        [](const EndpointName& w, const v1::StepRecord& s) {
          // The executor names what it saw as the case does (StepRecord.endpoint).
          const size_t at = s.endpoint().rfind(':');
          if (w.port.empty() || at == std::string::npos) return false;
          return (w.address == "*" || w.address == s.endpoint().substr(0, at)) &&
                 (w.port == "*" || w.port == s.endpoint().substr(at + 1));
        },
        [](const EndpointName& w) { return absl::StrCat("endpoint=", w.text); });
  }

  void CheckEndpointNames(const EndpointName& want) {
    if (want.address != "any" && want.address != "*" && names_->roles.count(want.address) == 0) {
      std::vector<std::string> valid(names_->roles.begin(), names_->roles.end());
      valid.push_back("any");
      valid.push_back("*");
      Problem("endpoint", absl::StrCat("endpoint address '", want.address,
                                       "' is not a role, \"any\" or \"*\"",
                                       DidYouMean(want.address, valid)));
    }
    std::set<std::string> ports = names_->ports;
    ports.insert({"ephemeral", "0", "*"});
    if (ports.count(want.port) == 0) {
      Problem("endpoint", absl::StrCat("endpoint port '", want.port,
                                       "' is not a port the case names, \"ephemeral\", \"0\" or "
                                       "\"*\"",
                                       DidYouMean(want.port, std::vector<std::string>(
                                                                 ports.begin(), ports.end()))));
    }
  }

  const v1::Expectation& e_;
  const CaseNames* names_;
  std::vector<CheckProblem>* problems_;
  ExpectationChecks checks_;
};

}  // namespace

ExpectationChecks ResolveChecks(const v1::Expectation& e, const CaseNames* names,
                                std::vector<CheckProblem>* problems) {
  return Builder(e, names, problems).Build();
}

bool ChecksHold(const ExpectationChecks& checks, const v1::StepRecord& step) {
  if (step.skipped()) return false;
  for (const auto& check : checks) {
    if (!check->Holds(step)) return false;
  }
  return true;
}

std::string DescribeChecks(const ExpectationChecks& checks) {
  std::vector<std::string> parts;
  for (const auto& check : checks) {
    std::string text = check->Describe();
    if (!text.empty()) parts.push_back(std::move(text));
  }
  return absl::StrJoin(parts, " ");
}

double DurationMs(const v1::StepRecord& s) {
  if (s.has_wait()) {
    return (s.wait().stack_waited_ns() > 0 ? s.wait().stack_waited_ns() : s.wait().waited_ns()) /
           1e6;
  }
  return s.result().duration_ns() / 1e6;
}

v1::TcpState ObservedState(const v1::StepRecord& s) {
  if (s.has_wait()) return s.wait().state();
  if (s.has_state()) return s.state().state();
  return v1::TCP_STATE_UNSPECIFIED;
}

std::string LingerText(const v1::Linger& l) {
  return absl::StrCat("{", l.enabled() ? 1 : 0, ",", l.seconds(), "}");
}

}  // namespace closeprobe::controller
