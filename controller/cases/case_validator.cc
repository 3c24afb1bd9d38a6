#include "controller/cases/case_validator.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "controller/cases/case_grid.h"
#include "controller/cases/claims.h"
#include "controller/cases/expectation_checks.h"
#include "controller/cases/inject_step_rules.h"
#include "controller/cases/did_you_mean.h"
#include "controller/cases/names.h"
#include "controller/cases/platforms.h"
#include "controller/cases/step_kinds.h"

namespace closeprobe::controller {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::TextFormat;

constexpr int kMaxWaitMs = 600000;
constexpr int kMaxBytes = 16 * 1024 * 1024;
constexpr int kMaxIterations = 1000;  // rows one grid may make

// The rows a grid makes before exclusions.
double GridCombinations(const v1::Case& spec) {
  double combinations = 1;
  for (const v1::Parameter& p : spec.param()) combinations *= std::max(1, p.values_size());
  return combinations;
}

// "an accept step", "a close step": the kind with its article.
std::string AStep(absl::string_view kind) {
  const bool vowel = !kind.empty() && absl::string_view("aeiou").find(kind[0]) != absl::string_view::npos;
  return absl::StrCat(vowel ? "an " : "a ", kind, " step");
}

// "" when `claim` is empty (a question case) or known; else what is wrong.
std::string ClaimProblem(const std::string& claim, const ClaimSet& claims) {
  if (claim.empty() || claims.Find(claim) != nullptr) return "";
  return absl::StrCat("claim '", claim, "' is not a known claim (", claims.Known(),
                      "; claims files: ", absl::StrJoin(claims.files(), ", "),
                      "); leave `claim` out for a question case");
}

// Finds where a field path (e.g. step[3].close.on) was written; falls back
// to the deepest part of the path that has a position.
class Locator {
 public:
  explicit Locator(const LoadedCase& c) : c_(c) {}

  std::string At(const char* repeated, int index,
                 std::initializer_list<const char*> path = {}) const {
    const Descriptor* desc = v1::Case::descriptor();
    const FieldDescriptor* top = desc->FindFieldByName(repeated);
    index = Origin(repeated, index);
    TextFormat::ParseLocation loc = c_.locations->GetLocation(top, index);
    const TextFormat::ParseInfoTree* tree = c_.locations->GetTreeForNested(top, index);
    desc = top->message_type();
    for (const char* name : path) {
      if (tree == nullptr || desc == nullptr) break;
      const FieldDescriptor* f = desc->FindFieldByName(name);
      if (f == nullptr) break;
      const TextFormat::ParseLocation l = tree->GetLocation(f, f->is_repeated() ? 0 : -1);
      if (l.line >= 0) loc = l;
      if (f->type() != FieldDescriptor::TYPE_MESSAGE) break;
      tree = tree->GetTreeForNested(f, f->is_repeated() ? 0 : -1);
      desc = f->message_type();
    }
    return Format(loc);
  }

  // A grid iteration's step/expectation index, as it is in the file.
  int Origin(const std::string& repeated, int index) const {
    auto at = [index](const auto& entries) {
      return index < static_cast<int>(entries.size()) ? entries[index].origin : index;
    };
    if (repeated == "step") return at(c_.steps);
    if (repeated == "expect") return at(c_.expects);
    auto kept = c_.origins.find(repeated);
    if (kept == c_.origins.end() || index >= static_cast<int>(kept->second.size())) return index;
    return kept->second[index];
  }

  std::string Field(const char* name) const {
    const FieldDescriptor* f = v1::Case::descriptor()->FindFieldByName(name);
    return Format(c_.locations->GetLocation(f, f->is_repeated() ? 0 : -1));
  }

 private:
  std::string Format(TextFormat::ParseLocation loc) const {
    if (loc.line < 0) return absl::StrCat(c_.file, ":1:1");
    return absl::StrCat(c_.file, ":", loc.line + 1, ":", loc.column + 1);
  }
  const LoadedCase& c_;
};

struct HandleInfo {
  std::string role;
  int step;
};

class Validator {
 public:
  Validator(const LoadedCase& c, const ClaimSet& claims)
      : c_(c), spec_(c.spec), where_(c), claims_(claims) {}

  // The problems, one per line; on success the iteration's names resolved
  // into `resolved`.
  std::vector<std::string> Run(LoadedCase* resolved) {
    steps_.resize(spec_.step_size());
    expects_.resize(spec_.expect_size());
    CheckHeader();
    CheckSettings();
    CheckPlacements();
    for (int i = 0; i < spec_.step_size(); ++i) CheckStep(i);
    for (const v1::Step& s : spec_.step()) {
      if (const std::string port = PortNameOf(s); !port.empty()) names_.ports.insert(port);
    }
    names_.roles = roles_;
    for (int i = 0; i < spec_.expect_size(); ++i) CheckExpectation(i);
    for (size_t i = 0; i < resolved->steps.size() && i < steps_.size(); ++i) {
      resolved->steps[i].names = std::move(steps_[i]);
    }
    for (size_t i = 0; i < resolved->expects.size() && i < expects_.size(); ++i) {
      resolved->expects[i].checks = std::move(expects_[i].checks);
      resolved->expects[i].version = std::move(expects_[i].version);
    }
    return errors_;
  }

 private:
  // Each problem once, however many checks reach it.
  void Error(const std::string& where, const std::string& what) {
    std::string line = absl::StrCat(where, ": ", what);
    if (std::find(errors_.begin(), errors_.end(), line) == errors_.end()) {
      errors_.push_back(std::move(line));
    }
  }

  // What may run in the background: any socket call (a blocking accept,
  // recv or connect waits there until another step wakes it), and waits on
  // states; not sleep or join (they only wait), nor a fault (it must be in
  // place before the next step).
  void CheckBackground(int i, const std::string& kind) {
    const v1::Step& step = spec_.step(i);
    switch (step.action_case()) {
      case v1::Step::kSleep:
      case v1::Step::kJoin:
        Error(where_.At("step", i, {"background"}),
              absl::StrCat(AStep(kind), " only waits, so it cannot run in the background: drop "
                           "`background` (the steps after a background step already run while "
                           "it waits)"));
        break;
      case v1::Step::kDrop:
      case v1::Step::kLift:
        Error(where_.At("step", i, {"background"}),
              absl::StrCat(AStep(kind), " cannot run in the background: the fault must be in "
                           "place (or gone) before the next step; drop `background`"));
        break;
      default:
        break;
    }
  }

  void CheckHeader() {
    const std::string stem = std::filesystem::path(c_.file).stem().string();
    if (c_.base_name.empty()) {
      Error(where_.Field("name"), absl::StrCat("the case has no name: add `name: \"", stem, "\"`"));
    } else if (c_.base_name != stem) {
      Error(where_.Field("name"),
            absl::StrCat("name '", c_.base_name, "' must equal the file's stem '", stem, "'"));
    }
    if (const std::string problem = ClaimProblem(spec_.claim(), claims_); !problem.empty()) {
      Error(where_.Field("claim"), problem);
    }
    if (spec_.summary().empty()) {
      Error(where_.Field("summary"), "the case has no summary: add `summary: \"what it does\"`");
    }
    if (spec_.roles().empty()) {
      Error(where_.Field("roles"), "the case names no roles: add `roles: [\"client\", \"server\"]`");
    }
    for (const std::string& role : spec_.roles()) {
      if (role.empty() || !roles_.insert(role).second) {
        Error(where_.Field("roles"), absl::StrCat("role '", role, "' is empty or repeated"));
      }
    }
    if (roles_.count(spec_.subject()) == 0) {
      Error(where_.Field("subject"),
            absl::StrCat("subject '", spec_.subject(), "' is not one of the roles"));
    }
    if (spec_.timeout_ms() < 0 || spec_.timeout_ms() > kMaxWaitMs) {
      Error(where_.Field("timeout_ms"), "timeout_ms must be 0..600000");
    }
    // A row cannot have more conclusive runs than runs.
    const int runs = std::max(1, spec_.repeat());
    if (spec_.min_conclusive_runs() < 0 || spec_.min_conclusive_runs() > runs) {
      Error(where_.Field("min_conclusive_runs"),
            absl::StrCat("min_conclusive_runs must be 0..", runs, " (the case's repeat); ",
                         "raise `repeat` or lower it"));
    }
  }

  // A reference to a handle made by an earlier step; `same_role` when the
  // step's own role must own it; `socket_call` when the step calls the
  // agent on it, which a closed handle refuses.
  void CheckHandleRef(int i, const char* kind, const char* field,
                      const std::string& name, bool same_role, bool socket_call) {
    const v1::Step& step = spec_.step(i);
    auto it = handles_.find(name);
    if (it == handles_.end()) {
      std::vector<std::string> known;
      for (const auto& [handle, info] : handles_) known.push_back(handle);
      Error(where_.At("step", i, {kind, field}),
            absl::StrCat("unknown handle '", name, "': no earlier step names it with `as`",
                         known.empty() ? "; create it first (socket, listen, connect, accept)"
                                       : DidYouMean(name, known)));
    } else if (same_role && it->second.role != step.role()) {
      Error(where_.At("step", i, {kind, field}),
            absl::StrCat("handle '", name, "' belongs to role '", it->second.role,
                         "', not '", step.role(), "': make the step `role: \"",
                         it->second.role, "\"` or use one of '", step.role(), "''s handles"));
    } else if (auto made = made_in_background_.find(name); made != made_in_background_.end()) {
      Error(where_.At("step", i, {kind, field}),
            absl::StrCat("handle '", name, "' is made by the background step at ",
                         where_.At("step", made->second),
                         ", so it exists only once that step returned: add `step { join {} }` "
                         "before this step"));
    } else if (auto closed = closed_at_.find(name); socket_call && closed != closed_at_.end()) {
      Error(where_.At("step", i, {kind, field}),
            absl::StrCat("handle '", name, "' was closed by the step at ",
                         where_.At("step", closed->second), "; `", kind,
                         "` cannot use a closed handle (only state and wait_state look at "
                         "one): move the close after this step, or use another handle"));
    }
  }

  void CheckStep(int i) {
    const v1::Step& step = spec_.step(i);
    steps_[i].where = where_.At("step", i);
    if (step.action_case() == v1::Step::ACTION_NOT_SET) {
      Error(where_.At("step", i),
            "the step has no action: give it one, e.g. `listen { port: \"srv\" }`, "
            "`connect { to: \"lsn\" }` or `close { on: \"c\" }`");
      return;
    }
    const std::string kind = StepKind(step);
    const bool is_sleep = !KindOf(step).has_role;
    if (!is_sleep && roles_.count(step.role()) == 0) {
      Error(where_.At("step", i, {"role"}),
            absl::StrCat("unknown role '", step.role(), "'",
                         DidYouMean(step.role(), std::vector<std::string>(roles_.begin(),
                                                                          roles_.end())),
                         ": every step but sleep and join names one of `roles`"));
    }
    if (!step.id().empty()) kind_of_[step.id()] = step.action_case();
    if (!step.id().empty() && step.send().allow_sigpipe()) sigpipe_sends_.insert(step.id());
    if (!step.id().empty() && !ids_.insert(step.id()).second) {
      Error(where_.At("step", i, {"id"}),
            absl::StrCat("step id '", step.id(), "' is repeated: give each step its own id"));
    }
    CheckGenericFields(i, kind);
    CheckKindRules(i, kind);
    if (step.background()) CheckBackground(i, kind);
    if (!step.together().empty()) CheckTogether(i, kind);
    if (!step.as().empty()) {
      if (!CreatesHandle(step)) {
        Error(where_.At("step", i, {"as"}),
              absl::StrCat(AStep(kind), " creates no handle: drop `as`"));
      } else if (auto [it, added] = handles_.emplace(step.as(), HandleInfo{step.role(), i});
                 !added) {
        Error(where_.At("step", i, {"as"}),
              absl::StrCat("handle '", step.as(), "' is already named by the step at ",
                           where_.At("step", it->second.step), ": choose another name"));
      } else if (step.background()) {
        made_in_background_[step.as()] = i;
      }
    } else if (CreatesHandle(step)) {
      Error(where_.At("step", i),
            absl::StrCat(AStep(kind), " must name its handle: add `as: \"NAME\"`"));
    }
    // A join waits for every background step: their handles exist from here.
    if (step.action_case() == v1::Step::kJoin) made_in_background_.clear();
  }

  // A scheduled step: one socket call, on a handle that exists; all but the
  // group's last step in the background (the controller issues the calls
  // one after another, and each agent holds its own until the instant).
  void CheckTogether(int i, const std::string& kind) {
    const v1::Step& step = spec_.step(i);
    if (!IsOneCall(step)) {
      Error(where_.At("step", i, {"together"}),
            absl::StrCat(AStep(kind), " cannot be scheduled with `together`: only one socket "
                         "call on an existing handle can; give connect and listen an `on`, or "
                         "drop `together`"));
    }
    if (step.together_offset_us() < 0 || step.together_offset_us() > 1'000'000) {
      Error(where_.At("step", i, {"together_offset_us"}), "together_offset_us must be 0..1000000");
    }
    int later = 0;
    for (int j = i + 1; j < spec_.step_size(); ++j) later += spec_.step(j).together() == step.together();
    int earlier = 0;
    for (int j = 0; j < i; ++j) earlier += spec_.step(j).together() == step.together();
    if (later > 0 && !step.background()) {
      Error(where_.At("step", i, {"together"}),
            absl::StrCat("step of group '", step.together(), "' must run with `background: true`: "
                         "a later step of the group would otherwise be sent after the instant"));
    }
    if (later == 0 && earlier == 0) {
      Error(where_.At("step", i, {"together"}),
            absl::StrCat("group '", step.together(), "' has one step; `together` needs two or more"));
    }
  }

  // Fields shared by several step kinds, checked by name through reflection.
  void CheckGenericFields(int i, const std::string& kind) {
    const v1::Step& step = spec_.step(i);
    const Reflection* r = step.GetReflection();
    const FieldDescriptor* action = step.GetDescriptor()->FindFieldByName(kind);
    const Message& m = r->GetMessage(step, action);
    const Descriptor* d = m.GetDescriptor();
    const Reflection* mr = m.GetReflection();
    auto text = [&](const char* name) -> std::string {
      const FieldDescriptor* f = d->FindFieldByName(name);
      return f != nullptr && f->type() == FieldDescriptor::TYPE_STRING ? mr->GetString(m, f) : "";
    };
    const std::string k = kind;
    // `to` only names an address; state and wait_state may watch a closed
    // handle's orphan.
    const bool watches = KindOf(step).watches_closed;
    // An inject step names a connection by a handle of either end, open or
    // closed (inject_step_rules.h).
    const bool injects = kind == "inject";
    if (!text("on").empty()) {
      CheckHandleRef(i, k.c_str(), "on", text("on"), !injects, !watches && !injects);
    }
    if (!text("from").empty()) CheckHandleRef(i, k.c_str(), "from", text("from"), true, true);
    if (!text("to").empty()) CheckHandleRef(i, k.c_str(), "to", text("to"), false, false);
    if (!text("fault").empty()) CheckHandleRef(i, k.c_str(), "fault", text("fault"), true, false);
    // From here on (in this iteration) the handle is closed.
    if (kind == "close" && !text("on").empty()) closed_at_.emplace(text("on"), i);
    if (d->FindFieldByName("on") != nullptr && text("on").empty() &&
        KindOf(step).makes != MakesHandle::kWithoutOn) {
      Error(where_.At("step", i, {k.c_str()}),
            absl::StrCat(AStep(kind), " needs `on`: the handle it acts on"));
    }
    for (const char* name : {"within_ms", "ms", "max_bytes", "bytes", "max_total_bytes"}) {
      const FieldDescriptor* f = d->FindFieldByName(name);
      if (f == nullptr) continue;
      const int v = mr->GetInt32(m, f);
      const int most = absl::StrContains(name, "bytes") ? kMaxBytes : kMaxWaitMs;
      if (v < 0 || v > most) {
        Error(where_.At("step", i, {k.c_str(), name}),
              absl::StrCat(name, " = ", v, " is out of range: use 0..", most));
      }
    }
  }

  void CheckKindRules(int i, const std::string& kind) {
    const v1::Step& step = spec_.step(i);
    const char* k = kind.c_str();
    switch (step.action_case()) {
      case v1::Step::kListen:
        if (step.listen().on().empty() && step.listen().port().empty()) {
          Error(where_.At("step", i, {k}), "listen without `on` needs a `port`");
        }
        break;
      case v1::Step::kConnect: {
        const auto& c = step.connect();
        const bool by_role = !c.to_role().empty() || !c.port().empty();
        if (c.to().empty() == !by_role) {
          Error(where_.At("step", i, {k}),
                "connect needs either `to` (a listening handle) or `to_role` and `port`");
        } else if (by_role && (roles_.count(c.to_role()) == 0 || c.port().empty())) {
          Error(where_.At("step", i, {k, "to_role"}),
                absl::StrCat("connect: unknown role '", c.to_role(), "' or no port"));
        }
        break;
      }
      case v1::Step::kShutdown:
        if (step.shutdown().how() == v1::SHUTDOWN_HOW_UNSPECIFIED) {
          Error(where_.At("step", i, {k}),
                "shutdown needs how: SHUTDOWN_HOW_READ, SHUTDOWN_HOW_WRITE or SHUTDOWN_HOW_BOTH");
        }
        break;
      case v1::Step::kSetsockopt:
        if (step.setsockopt().option_case() == v1::SetOptionStep::OPTION_NOT_SET) {
          Error(where_.At("step", i, {k}), "setsockopt names no option (linger, reuseaddr, ...)");
        } else if (step.setsockopt().has_linger() &&
                   (step.setsockopt().linger().seconds() < 0 ||
                    step.setsockopt().linger().seconds() > 600)) {
          Error(where_.At("step", i, {k, "linger"}), "linger seconds must be 0..600");
        }
        break;
      case v1::Step::kGetsockopt: {
        if (!ParseOptionText(step.getsockopt().option(), &steps_[i].option)) {
          Error(where_.At("step", i, {k, "option"}),
                absl::StrCat("unknown option '", step.getsockopt().option(), "'",
                             DidYouMean(step.getsockopt().option(), OptionTexts())));
        }
        break;
      }
      case v1::Step::kWaitState: {
        if (!ParseStateText(step.wait_state().state(), &steps_[i].state)) {
          Error(where_.At("step", i, {k, "state"}),
                absl::StrCat("unknown TCP state '", step.wait_state().state(), "'",
                             DidYouMean(step.wait_state().state(), StateTexts())));
        }
        break;
      }
      case v1::Step::kPoll:
        if (step.poll().events().empty()) {
          Error(where_.At("step", i, {k}),
                "poll needs `events`: POLL_EVENT_IN, POLL_EVENT_OUT and/or POLL_EVENT_RDHUP");
        }
        for (int e : step.poll().events()) {
          if (e != v1::POLL_EVENT_IN && e != v1::POLL_EVENT_OUT && e != v1::POLL_EVENT_RDHUP) {
            Error(where_.At("step", i, {k, "events"}),
                  absl::StrCat("a poll waits for POLL_EVENT_IN, POLL_EVENT_OUT or "
                               "POLL_EVENT_RDHUP, not ", v1::PollEvent_Name(e),
                               " (HUP, ERR and NVAL are always reported)"));
          }
        }
        break;
      case v1::Step::kRecv:
        if (step.recv().until_eof() && step.recv().peek()) {
          Error(where_.At("step", i, {k, "peek"}),
                "a peek leaves the data queued, so reading until EOF would never end: drop "
                "`peek` or `until_eof`");
        }
        if (step.recv().max_total_bytes() > 0 && !step.recv().until_eof()) {
          Error(where_.At("step", i, {k, "max_total_bytes"}),
                "max_total_bytes caps a recv that reads until EOF: add `until_eof: true`, or use "
                "`max_bytes` for one call");
        }
        break;
      case v1::Step::kSend:
        if (!step.send().data().empty() && step.send().bytes() > 0) {
          Error(where_.At("step", i, {k, "bytes"}), "send takes `data` or `bytes`, not both");
        }
        break;
      case v1::Step::kSleep:
        if (step.sleep().ms() <= 0) Error(where_.At("step", i, {k}), "sleep needs ms > 0");
        break;
      case v1::Step::kDrop:
        if (roles_.count(step.drop().peer()) == 0 || step.drop().peer() == step.role()) {
          Error(where_.At("step", i, {k, "peer"}),
                absl::StrCat("drop needs a peer role other than '", step.role(), "'"));
        }
        CheckFlagLetters(where_.At("step", i, {k, "exact_flags"}), step.drop().exact_flags(),
                         "SFRA");
        break;
      case v1::Step::kLift:
        if (step.lift().fault().empty()) Error(where_.At("step", i, {k}), "lift needs `fault`");
        break;
      case v1::Step::kInject: {
        auto on = handles_.find(step.inject().on());
        for (const InjectProblem& p :
             CheckInjectStep(step.inject(), step.role(),
                             on == handles_.end() ? "" : on->second.role, spec_.subject())) {
          Error(p.field.empty() ? where_.At("step", i, {k})
                                : where_.At("step", i, {k, p.field.c_str()}),
                p.message);
        }
        break;
      }
      default:
        break;
    }
  }

  void CheckFlagLetters(const std::string& where, const std::string& flags,
                        const std::string& allowed) {
    for (char c : flags) {
      if (allowed.find(c) == std::string::npos) {
        Error(where, absl::StrCat("flag '", std::string(1, c), "' is not one of ", allowed,
                                  ": write the flags as letters, e.g. \"FA\""));
      }
    }
  }

  // What an expectation checks must be something its step observes; told
  // in the order of what the checks need (step_kinds.h).
  void CheckFitsStep(int i, const ExpectationChecks& checks, v1::Step::ActionCase action) {
    const StepKindRow& kind = KindOf(action);
    std::vector<const Check*> misfits;
    for (const auto& check : checks) {
      if (check->needs() != 0 && (kind.observes & check->needs()) == 0) {
        misfits.push_back(check.get());
      }
    }
    std::stable_sort(misfits.begin(), misfits.end(),
                     [](const Check* a, const Check* b) { return a->needs() < b->needs(); });
    for (const Check* check : misfits) {
      Error(where_.At("expect", i, {check->field()}),
            absl::StrCat("`", check->field(), "` checks ", KindsObserving(check->needs()),
                         "; step '", spec_.expect(i).step(), "' is ", AStep(kind.name),
                         ", so it can never hold: check `", check->field(),
                         "` on such a step, or drop it"));
    }
  }

  // `expect { platform }` names a row of the platform table.
  void CheckPlatform(int i, const std::string& platform) {
    const std::vector<std::string> known = ExpectationPlatformNames();
    if (platform.empty() || std::find(known.begin(), known.end(), platform) != known.end()) return;
    Error(where_.At("expect", i, {"platform"}),
          absl::StrCat("unknown platform '", platform, "'", DidYouMean(platform, known)));
  }

  void CheckWire(int i, const v1::WireCheck& w) {
    const std::string where = where_.At("expect", i, {"wire"});
    if (w.has_count() && (w.has_min_count() || w.has_max_count())) {
      Error(where, "wire: `count` is exact; drop `min_count`/`max_count` or `count`");
    }
    if (w.has_min_count() && w.has_max_count() && w.min_count() > w.max_count()) {
      Error(where, absl::StrCat("wire: min_count ", w.min_count(), " is above max_count ",
                                w.max_count()));
    }
    if ((w.has_count() && w.count() < 0) || (w.has_min_count() && w.min_count() < 0)) {
      Error(where, "wire: counts cannot be negative");
    }
    if (roles_.count(w.from()) == 0) {
      Error(where, absl::StrCat("wire: unknown role '", w.from(), "' in `from`"));
    }
    CheckFlagLetters(where, w.flags(), "SFRPAU");
    CheckFlagLetters(where, w.not_flags(), "SFRPAU");
    if (w.has_after()) CheckWire(i, w.after());
  }

  void CheckSettings() {
    for (int i = 0; i < spec_.settings_size(); ++i) {
      const v1::RoleSetting& s = spec_.settings(i);
      if (roles_.count(s.role()) == 0 || s.name().empty() || s.value().empty()) {
        Error(where_.At("settings", i),
              absl::StrCat("a setting needs a known role, a name and a value (role '", s.role(),
                           "')"));
      }
    }
  }

  void CheckPlacements() {
    std::set<std::string> placed;
    for (const v1::Placement& p : spec_.placement()) placed.insert(p.role());
    std::set<std::string> seen;
    for (int i = 0; i < spec_.placement_size(); ++i) {
      const v1::Placement& p = spec_.placement(i);
      if (roles_.count(p.role()) == 0 || p.role() == spec_.subject()) {
        Error(where_.At("placement", i, {"role"}),
              absl::StrCat("placement: '", p.role(), "' must be one of the roles other than the "
                           "subject '", spec_.subject(), "'"));
      }
      if (!seen.insert(p.role()).second) {
        Error(where_.At("placement", i, {"role"}),
              absl::StrCat("placement: role '", p.role(), "' is placed twice"));
      }
      if (roles_.count(p.beside()) == 0 || p.beside() == p.role() ||
          placed.count(p.beside()) > 0) {
        Error(where_.At("placement", i, {"beside"}),
              absl::StrCat("placement: `beside` must name another role that is not itself placed, "
                           "not '", p.beside(), "'"));
      }
    }
  }

  void CheckExpectation(int i) {
    const v1::Expectation& e = spec_.expect(i);
    Resolved& typed = expects_[i];
    if (e.premise() && !e.platform().empty()) {
      Error(where_.At("expect", i, {"platform"}),
            "a premise applies to every platform: drop `platform` (what a platform does "
            "instead is an expectation of its own)");
    }
    if (e.has_wire()) {
      if (!e.step().empty()) {
        Error(where_.At("expect", i, {"step"}), "an expectation checks a step or the wire, not both");
      }
      CheckWire(i, e.wire());
      CheckPlatform(i, e.platform());
      return;
    }
    std::vector<CheckProblem> problems;
    typed.checks = ResolveChecks(e, &names_, &problems);
    if (ids_.count(e.step()) > 0) CheckFitsStep(i, typed.checks, kind_of_[e.step()]);
    if (ids_.count(e.step()) == 0) {
      Error(where_.At("expect", i, {"step"}),
            absl::StrCat("unknown step id '", e.step(), "'",
                         ids_.empty() ? ": name the step with `id`"
                                      : DidYouMean(e.step(), std::vector<std::string>(
                                                                 ids_.begin(), ids_.end()))));
    }
    CheckPlatform(i, e.platform());
    if (!e.platform_version().empty()) {
      absl::StatusOr<VersionRequirement> version = ParseVersionRequirement(e.platform_version());
      if (e.platform().empty()) {
        Error(where_.At("expect", i, {"platform_version"}),
              "platform_version needs a platform");
      } else if (!version.ok()) {
        Error(where_.At("expect", i, {"platform_version"}),
              std::string(version.status().message()));
      } else {
        typed.version = *version;
      }
    }
    for (const CheckProblem& p : problems) Error(where_.At("expect", i, {p.field}), p.message);
    // (A step other than a send is told by CheckFitsStep: it observes no SIGPIPE.)
    if (e.has_sigpipe() && ids_.count(e.step()) > 0 && kind_of_[e.step()] == v1::Step::kSend &&
        sigpipe_sends_.count(e.step()) == 0) {
      Error(where_.At("expect", i, {"sigpipe"}),
            absl::StrCat("`sigpipe` needs a send made without MSG_NOSIGNAL: add "
                         "`allow_sigpipe: true` to step '", e.step(), "'"));
    }
    if (typed.checks.empty()) {
      Error(where_.At("expect", i),
            "the expectation checks nothing: add what the step must show (`error`, `result`, "
            "`result_range`, `state`, `fails`, ...) or a `wire` check");
    }
  }

  const LoadedCase& c_;
  const v1::Case& spec_;
  Locator where_;
  const ClaimSet& claims_;
  std::set<std::string> roles_;
  std::set<std::string> ids_;
  std::map<std::string, v1::Step::ActionCase> kind_of_;  // step id -> its kind
  std::set<std::string> sigpipe_sends_;  // ids of send steps with allow_sigpipe
  std::map<std::string, HandleInfo> handles_;
  std::map<std::string, int> closed_at_;  // handle -> the step that closed it
  // Handles made by background steps not yet joined -> the step.
  std::map<std::string, int> made_in_background_;
  std::vector<std::string> errors_;
  CaseNames names_;  // for what expectations name
  std::vector<ResolvedStep> steps_;
  struct Resolved {
    ExpectationChecks checks;
    std::optional<VersionRequirement> version;
  };
  std::vector<Resolved> expects_;
};

// The grid declarations of a case file: parameters, and every condition
// naming a declared parameter and one of its values.
class GridValidator {
 public:
  GridValidator(const LoadedCase& c, const ClaimSet& claims)
      : spec_(c.spec), where_(c), claims_(claims) {}

  std::vector<std::string> Run() {
    for (int i = 0; i < spec_.param_size(); ++i) CheckParam(i);
    for (int i = 0; i < spec_.step_size(); ++i) {
      when_.steps.push_back(Parse(where_.At("step", i, {"when"}), spec_.step(i).when()));
    }
    for (int i = 0; i < spec_.expect_size(); ++i) {
      when_.expects.push_back(Parse(where_.At("expect", i, {"when"}), spec_.expect(i).when()));
    }
    for (int i = 0; i < spec_.settings_size(); ++i) {
      when_.settings.push_back(
          Parse(where_.At("settings", i, {"when"}), spec_.settings(i).when()));
    }
    for (int i = 0; i < spec_.placement_size(); ++i) {
      when_.placements.push_back(
          Parse(where_.At("placement", i, {"when"}), spec_.placement(i).when()));
    }
    for (int i = 0; i < spec_.exclude_size(); ++i) {
      if (spec_.exclude(i).when().empty()) {
        Error(where_.At("exclude", i), "an exclusion needs `when` conditions");
      }
      when_.exclusions.push_back(
          Parse(where_.At("exclude", i, {"when"}), spec_.exclude(i).when()));
    }
    for (int i = 0; i < spec_.claim_when_size(); ++i) {
      const v1::ClaimChoice& c = spec_.claim_when(i);
      if (c.when().empty()) Error(where_.At("claim_when", i), "claim_when needs `when` conditions");
      when_.claim_choices.push_back(Parse(where_.At("claim_when", i, {"when"}), c.when()));
      if (const std::string problem = ClaimProblem(c.claim(), claims_); !problem.empty()) {
        Error(where_.At("claim_when", i, {"claim"}), problem);
      }
    }
    if (spec_.pairings() && !spec_.settings().empty()) {
      Error(where_.Field("pairings"),
            "a case with stack settings runs on hosts of its own and cannot use pairings");
    }
    // A grid is expanded in memory: keep it to a size a matrix can show.
    const double combinations = GridCombinations(spec_);
    if (combinations > kMaxIterations) {
      Error(where_.Field("param"), absl::StrCat("the grid has ", combinations,
                                                " combinations; at most ", kMaxIterations));
    }
    return errors_;
  }

  const CaseConditions& conditions() const { return when_; }

  // After the one expansion of a grid whose declarations passed.
  std::vector<std::string> CheckNotEmpty(const std::vector<LoadedCase>& iterations) {
    if (iterations.empty()) {
      Error(where_.Field("exclude"), "the exclusions leave no iteration of the grid");
    }
    return errors_;
  }

 private:
  void Error(const std::string& where, const std::string& what) {
    errors_.push_back(absl::StrCat(where, ": ", what));
  }

  void CheckParam(int i) {
    const v1::Parameter& p = spec_.param(i);
    const std::string where = where_.At("param", i);
    bool name_ok = !p.name().empty() && absl::ascii_islower(p.name()[0]);
    for (char ch : p.name()) {
      name_ok = name_ok && (absl::ascii_islower(ch) || absl::ascii_isdigit(ch) || ch == '_');
    }
    if (!name_ok) Error(where, absl::StrCat("parameter name '", p.name(), "' is not [a-z][a-z0-9_]*"));
    if (p.name() == "peer" && spec_.pairings()) {
      Error(where, "'peer' names the pairing's peer platform; choose another parameter name");
    }
    if (!values_.emplace(p.name(), std::set<std::string>{}).second) {
      Error(where, absl::StrCat("parameter '", p.name(), "' is declared twice"));
    }
    if (p.values().empty()) Error(where, absl::StrCat("parameter '", p.name(), "' has no values"));
    for (const std::string& v : p.values()) {
      if (v.empty() || v.find_first_of("=|,[] ") != std::string::npos ||
          !values_[p.name()].insert(v).second) {
        Error(where, absl::StrCat("value '", v, "' of '", p.name(),
                                  "' is empty, repeated or has one of = | , [ ] or a space"));
      }
    }
  }

  // A `when` list, parsed once for the expansion; each condition must name a
  // declared parameter and its values.
  Conditions Parse(const std::string& where,
                   const google::protobuf::RepeatedPtrField<std::string>& conditions) {
    Conditions parsed;
    for (const std::string& text : conditions) {
      absl::StatusOr<GridCondition> c = ParseGridCondition(text);
      if (!c.ok()) {
        Error(where, std::string(c.status().message()));
        // Holds nowhere (no parameter is named ""), so the steps can still
        // be checked in one pass.
        parsed.push_back(GridCondition{});
        continue;
      }
      parsed.push_back(*c);
      auto p = values_.find(c->param);
      if (p == values_.end()) {
        Error(where, absl::StrCat("condition '", text, "' names no declared parameter"));
        continue;
      }
      for (const std::string& v : c->values) {
        if (p->second.count(v) == 0) {
          Error(where, absl::StrCat("condition '", text, "': '", v, "' is not a value of '",
                                    c->param, "'"));
        }
      }
    }
    return parsed;
  }

  const v1::Case& spec_;
  Locator where_;
  const ClaimSet& claims_;
  std::map<std::string, std::set<std::string>> values_;
  std::vector<std::string> errors_;
  CaseConditions when_;
};

}  // namespace

absl::StatusOr<std::vector<LoadedCase>> ValidateAndExpand(const LoadedCase& c,
                                                           const ClaimSet& claims) {
  GridValidator grid(c, claims);
  std::vector<std::string> errors = grid.Run();
  // The iterations are checked even when the grid has problems (a condition
  // that does not parse holds nowhere), so one pass tells the steps'
  // problems too; only a grid too large to expand is not expanded.
  std::vector<LoadedCase> iterations;
  if (GridCombinations(c.spec) <= kMaxIterations) iterations = ExpandGrid(c, grid.conditions());
  if (errors.empty()) errors = grid.CheckNotEmpty(iterations);
  // Each iteration is checked as the case it becomes; a problem common to
  // several iterations is told once, naming the first.
  std::set<std::string> told;
  for (LoadedCase& it : iterations) {
    for (const std::string& line : Validator(it, claims).Run(&it)) {
      if (!told.insert(line).second) continue;
      errors.push_back(it.parameters.empty() ? line
                                             : absl::StrCat(line, " (in ", it.spec.name(), ")"));
    }
  }
  if (errors.empty()) return iterations;
  return absl::InvalidArgumentError(absl::StrJoin(errors, "\n"));
}

}  // namespace closeprobe::controller
