#include "controller/run/step_executor.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "controller/cases/names.h"
#include "controller/cases/step_kinds.h"
#include "controller/run/clock_sync.h"
#include "controller/run/step_executor_descriptors.h"
#include "controller/run/step_executor_inject.h"
#include "controller/run/tcp_transitions.h"

namespace closeprobe::controller {
namespace {

using Stub = v1::Agent::Stub;

constexpr int kDefaultWithinMs = 5000;
constexpr absl::Duration kRpcSlack = absl::Seconds(10);
constexpr size_t kKeptDataBytes = 256;

absl::Duration RpcTimeout(int within_ms) {
  return absl::Milliseconds(within_ms) + kRpcSlack;
}
int Within(int within_ms) { return within_ms > 0 ? within_ms : kDefaultWithinMs; }

// What a step needs to run: its role's session and the handles it uses.
struct StepEnv {
  const v1::Step& step;
  const ResolvedStep& names;
  CaseContext& ctx;
  v1::StepRecord* record;

  AgentSession& session() { return *ctx.roles.at(step.role()).session; }
  const std::string& own_address() const { return ctx.roles.at(step.role()).address; }

  // Records the step's call (its text, for people) and finds the handle it
  // is made on (see Use).
  const HandleBinding* Start(const std::string& call, const std::string& on) {
    record->set_call(call);
    return Use(on);
  }

  // The agent handle behind a case handle; nullptr (and the step marked
  // skipped) when the step that should have created it failed.
  const HandleBinding* Use(const std::string& name) {
    if (ctx.FindHandle(name, &used)) return &used;
    record->set_skipped(true);
    record->set_skip_reason(absl::StrCat("handle '", name, "' was not created"));
    return nullptr;
  }

  // The step's call to its agent; a scheduled step's (one call) starts at
  // its group's instant.
  template <typename Req, typename Reply>
  absl::StatusOr<Reply> Call(
      grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*, const Req&, Reply*),
      const Req& req, absl::Duration timeout) {
    return session().Call(method, req, timeout, std::exchange(start_at, 0));
  }

  // Call(), and the call's result written into the step's record.
  template <typename Req, typename Reply>
  absl::StatusOr<Reply> CallRecorded(
      grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*, const Req&, Reply*),
      const Req& req, absl::Duration timeout) {
    absl::StatusOr<Reply> reply = Call(method, req, timeout);
    if (reply.ok()) *record->mutable_result() = reply->result();
    return reply;
  }

  // A drop's or lift's call: to the agent holding the role's faults.
  template <typename Req, typename Reply>
  absl::StatusOr<Reply> CallFaults(
      grpc::Status (v1::Agent::Stub::*method)(grpc::ClientContext*, const Req&, Reply*),
      const Req& req, absl::Duration timeout) {
    AgentSession* faults = ctx.roles.at(step.role()).faults;
    return (faults != nullptr ? *faults : session())
        .Call(method, req, timeout, std::exchange(start_at, 0));
  }

  void Bind(const std::string& agent_handle, uint32_t port) {
    ctx.SetHandle(step.as(), HandleBinding{step.role(), agent_handle, port});
  }

  HandleBinding used;  // the last handle Use() found
  int64_t start_at = 0;  // a scheduled step's start (controller clock); 0: none
};

template <typename Req>
Req For(const HandleBinding& h) {
  Req req;
  req.set_handle(h.agent_handle);
  return req;
}

bool Ok(const v1::CallResult& r) { return r.error() == v1::ERROR_NAME_OK; }

// Creates a socket and binds it to the step's `as` name; returns its agent handle.
absl::StatusOr<std::string> NewSocket(StepEnv& env) {
  absl::StatusOr<v1::SocketReply> reply =
      env.CallRecorded(&Stub::Socket, v1::SocketRequest(), RpcTimeout(0));
  if (!reply.ok()) return reply.status();
  return reply->handle();
}

absl::Status ExecuteSocket(StepEnv& env) {
  env.record->set_call(absl::StrCat("socket() as ", env.step.as()));
  absl::StatusOr<std::string> h = NewSocket(env);
  if (!h.ok()) return h.status();
  if (!h->empty()) env.Bind(*h, 0);
  env.record->set_handle(*h);
  return absl::OkStatus();
}

absl::Status ExecuteListen(StepEnv& env) {
  const v1::ListenStep& s = env.step.listen();
  const uint32_t port = s.port().empty() ? 0 : env.ctx.ports.at(s.port());
  const std::string address = s.specific() ? env.own_address() : "";
  env.record->set_call(s.on().empty()
                           ? absl::StrCat("listen(", env.step.as(), " on ", address, ":", port,
                                          s.reuseaddr() ? ", SO_REUSEADDR" : "", ")")
                           : absl::StrCat("listen(", s.on(), ")"));
  std::string handle;
  if (s.on().empty()) {
    absl::StatusOr<std::string> h = NewSocket(env);
    if (!h.ok()) return h.status();
    if (h->empty()) return absl::OkStatus();
    handle = *h;
    env.Bind(handle, port);
    if (s.reuseaddr()) {
      v1::SetOptionRequest opt;
      opt.set_handle(handle);
      opt.set_option(v1::SOCKET_OPTION_SO_REUSEADDR);
      opt.mutable_value()->set_enabled(true);
      auto r = env.CallRecorded(&Stub::SetOption, opt, RpcTimeout(0));
      if (!r.ok()) return r.status();
      if (!Ok(r->result())) return absl::OkStatus();
    }
    v1::BindRequest bind;
    bind.set_handle(handle);
    bind.mutable_local()->set_address(address);
    bind.mutable_local()->set_port(port);
    auto b = env.CallRecorded(&Stub::Bind, bind, RpcTimeout(0));
    if (!b.ok()) return b.status();
    *env.record->mutable_local() = b->local();
    if (!Ok(b->result())) return absl::OkStatus();
  } else {
    const HandleBinding* h = env.Use(s.on());
    if (h == nullptr) return absl::OkStatus();
    handle = h->agent_handle;
  }
  v1::HandleRequest req;
  req.set_handle(handle);
  req.set_backlog(s.backlog());
  auto r = env.CallRecorded(&Stub::Listen, req, RpcTimeout(0));
  if (!r.ok()) return r.status();
  *env.record->mutable_local() = r->local();
  env.record->set_handle(handle);
  return absl::OkStatus();
}

absl::Status ExecuteBind(StepEnv& env) {
  const v1::BindStep& s = env.step.bind();
  const uint32_t port = s.port().empty() ? 0 : env.ctx.ports.at(s.port());
  const std::string address = s.specific() ? env.own_address() : "";
  const HandleBinding* h =
      env.Start(absl::StrCat("bind(", s.on(), ", ", address, ":", port, ")"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::BindRequest>(*h);
  req.mutable_local()->set_address(address);
  req.mutable_local()->set_port(port);
  auto r = env.CallRecorded(&Stub::Bind, req, RpcTimeout(0));
  if (!r.ok()) return r.status();
  *env.record->mutable_local() = r->local();
  env.ctx.SetHandlePort(s.on(), r->local().port());
  return absl::OkStatus();
}

absl::Status ExecuteConnect(StepEnv& env) {
  const v1::ConnectStep& s = env.step.connect();
  v1::Endpoint remote;
  std::string target_name;
  if (!s.to().empty()) {
    const HandleBinding* target = env.Use(s.to());
    if (target == nullptr) return absl::OkStatus();
    remote.set_address(env.ctx.roles.at(target->role).address);
    remote.set_port(target->port);
    target_name = s.to();
  } else {
    remote.set_address(env.ctx.roles.at(s.to_role()).address);
    remote.set_port(env.ctx.ports.at(s.port()));
    target_name = absl::StrCat(s.to_role(), ":", s.port());
  }
  const std::string self = s.on().empty() ? env.step.as() : s.on();
  env.record->set_call(absl::StrCat("connect(", self, ", ", target_name, " = ",
                                    remote.address(), ":", remote.port(), ")"));
  std::string handle;
  if (s.on().empty()) {
    absl::StatusOr<std::string> h = NewSocket(env);
    if (!h.ok()) return h.status();
    if (h->empty()) return absl::OkStatus();
    handle = *h;
    env.Bind(handle, 0);
  } else {
    const HandleBinding* h = env.Use(s.on());
    if (h == nullptr) return absl::OkStatus();
    handle = h->agent_handle;
  }
  v1::ConnectRequest req;
  req.set_handle(handle);
  *req.mutable_remote() = remote;
  req.set_deadline_ms(Within(s.within_ms()));
  auto r = env.CallRecorded(&Stub::Connect, req, RpcTimeout(Within(s.within_ms())));
  if (!r.ok()) return r.status();
  *env.record->mutable_local() = r->local();
  *env.record->mutable_peer() = remote;
  env.ctx.SetHandlePort(self, r->local().port());
  env.record->set_handle(handle);
  return absl::OkStatus();
}

absl::Status ExecuteAccept(StepEnv& env) {
  const v1::AcceptStep& s = env.step.accept();
  const HandleBinding* h =
      env.Start(absl::StrCat("accept(", s.from(), ") as ", env.step.as()), s.from());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::AcceptRequest>(*h);
  req.set_deadline_ms(Within(s.within_ms()));
  const uint32_t port = h->port;
  auto r = env.CallRecorded(&Stub::Accept, req, RpcTimeout(Within(s.within_ms())));
  if (!r.ok()) return r.status();
  *env.record->mutable_peer() = r->peer();
  env.record->set_handle(r->handle());
  if (!r->handle().empty()) env.Bind(r->handle(), port);
  return absl::OkStatus();
}

absl::Status ExecuteSend(StepEnv& env) {
  const v1::SendStep& s = env.step.send();
  const std::string what = s.data().empty()
                               ? absl::StrCat(s.bytes(), " bytes")
                               : absl::StrCat("\"", absl::CEscape(s.data()), "\"");
  const HandleBinding* h =
      env.Start(absl::StrCat("send(", s.on(), ", ", what, s.dontwait() ? ", MSG_DONTWAIT" : "",
                             s.allow_sigpipe() ? ", no MSG_NOSIGNAL" : "", ")"),
                s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::SendRequest>(*h);
  req.set_data(s.data());
  req.set_length(s.data().empty() ? s.bytes() : 0);
  req.set_deadline_ms(Within(s.within_ms()));
  req.set_dont_wait(s.dontwait());
  req.set_allow_sigpipe(s.allow_sigpipe());
  return env.CallRecorded(&Stub::Send, req, RpcTimeout(Within(s.within_ms()))).status();
}

absl::Status ExecuteRecv(StepEnv& env) {
  const v1::RecvStep& s = env.step.recv();
  const HandleBinding* h = env.Start(
      absl::StrCat("recv(", s.on(), s.peek() ? ", MSG_PEEK" : "",
                   s.dontwait() ? ", MSG_DONTWAIT" : "", ")", s.until_eof() ? " until EOF" : ""),
      s.on());
  if (h == nullptr) return absl::OkStatus();
  if (s.until_eof()) return ExecuteRecvUntilEof(env.step, *h, env.ctx, env.record);
  auto req = For<v1::RecvRequest>(*h);
  req.set_max_bytes(s.max_bytes() > 0 ? s.max_bytes() : 65536);
  req.set_deadline_ms(Within(s.within_ms()));
  req.set_peek(s.peek());
  req.set_dont_wait(s.dontwait());
  auto r = env.CallRecorded(&Stub::Recv, req, RpcTimeout(Within(s.within_ms())));
  if (!r.ok()) return r.status();
  env.record->set_data(r->data().substr(0, std::min(r->data().size(), kKeptDataBytes)));
  return absl::OkStatus();
}

absl::Status ExecuteDupStep(StepEnv& env) {
  const HandleBinding* h = env.Start(
      absl::StrCat("dup(", env.step.dup().on(), ") as ", env.step.as()), env.step.dup().on());
  if (h == nullptr) return absl::OkStatus();
  return ExecuteDup(env.step, *h, env.ctx, env.record);
}

absl::Status ExecuteShutdown(StepEnv& env) {
  const v1::ShutdownStep& s = env.step.shutdown();
  const HandleBinding* h = env.Start(
      absl::StrCat("shutdown(", s.on(), ", ",
                   absl::StripPrefix(v1::ShutdownHow_Name(s.how()), "SHUTDOWN_HOW_"), ")"),
      s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::ShutdownRequest>(*h);
  req.set_how(s.how());
  return env.CallRecorded(&Stub::Shutdown, req, RpcTimeout(0)).status();
}

absl::Status ExecuteClose(StepEnv& env) {
  const v1::CloseStep& s = env.step.close();
  const HandleBinding* h = env.Start(absl::StrCat("close(", s.on(), ")"), s.on());
  if (h == nullptr) return absl::OkStatus();
  // close() with SO_LINGER may block up to 600 s (the validator's bound).
  return env.CallRecorded(&Stub::Close, For<v1::HandleRequest>(*h), RpcTimeout(600000)).status();
}

// The option of a setsockopt step as the agent names it, and its value.
void ToOption(const v1::SetOptionStep& s, v1::SetOptionRequest* req) {
  v1::OptionValue* v = req->mutable_value();
  switch (s.option_case()) {
    case v1::SetOptionStep::kLinger:
      req->set_option(v1::SOCKET_OPTION_SO_LINGER);
      *v->mutable_linger() = s.linger();
      break;
    case v1::SetOptionStep::kReuseaddr:
      req->set_option(v1::SOCKET_OPTION_SO_REUSEADDR);
      v->set_enabled(s.reuseaddr());
      break;
    case v1::SetOptionStep::kReuseport:
      req->set_option(v1::SOCKET_OPTION_SO_REUSEPORT);
      v->set_enabled(s.reuseport());
      break;
    case v1::SetOptionStep::kExclusiveaddruse:
      req->set_option(v1::SOCKET_OPTION_SO_EXCLUSIVEADDRUSE);
      v->set_enabled(s.exclusiveaddruse());
      break;
    case v1::SetOptionStep::kKeepalive:
      req->set_option(v1::SOCKET_OPTION_SO_KEEPALIVE);
      v->set_enabled(s.keepalive());
      break;
    case v1::SetOptionStep::kKeepidleS:
      req->set_option(v1::SOCKET_OPTION_TCP_KEEPIDLE);
      v->set_value(s.keepidle_s());
      break;
    case v1::SetOptionStep::kKeepintvlS:
      req->set_option(v1::SOCKET_OPTION_TCP_KEEPINTVL);
      v->set_value(s.keepintvl_s());
      break;
    case v1::SetOptionStep::kKeepcnt:
      req->set_option(v1::SOCKET_OPTION_TCP_KEEPCNT);
      v->set_value(s.keepcnt());
      break;
    case v1::SetOptionStep::kUserTimeoutMs:
      req->set_option(v1::SOCKET_OPTION_TCP_USER_TIMEOUT);
      v->set_value(s.user_timeout_ms());
      break;
    case v1::SetOptionStep::kSndbuf:
      req->set_option(v1::SOCKET_OPTION_SO_SNDBUF);
      v->set_value(s.sndbuf());
      break;
    case v1::SetOptionStep::kRcvbuf:
      req->set_option(v1::SOCKET_OPTION_SO_RCVBUF);
      v->set_value(s.rcvbuf());
      break;
    case v1::SetOptionStep::kNodelay:
      req->set_option(v1::SOCKET_OPTION_TCP_NODELAY);
      v->set_enabled(s.nodelay());
      break;
    case v1::SetOptionStep::OPTION_NOT_SET:
      break;
  }
}

absl::Status ExecuteSetOption(StepEnv& env) {
  const v1::SetOptionStep& s = env.step.setsockopt();
  v1::SetOptionRequest req;
  ToOption(s, &req);
  const std::string value = s.has_linger()
                                ? absl::StrCat("{", s.linger().enabled() ? 1 : 0, ", ",
                                               s.linger().seconds(), "}")
                                : (req.value().value() != 0
                                       ? absl::StrCat(req.value().value())
                                       : (req.value().enabled() ? "1" : "0"));
  const HandleBinding* h =
      env.Start(absl::StrCat("setsockopt(", s.on(), ", ",
                             v1::SocketOption_Name(req.option()).substr(14), ", ", value, ")"),
                s.on());
  if (h == nullptr) return absl::OkStatus();
  req.set_handle(h->agent_handle);
  return env.CallRecorded(&Stub::SetOption, req, RpcTimeout(0)).status();
}

absl::Status ExecuteGetOption(StepEnv& env) {
  const v1::GetOptionStep& s = env.step.getsockopt();
  const HandleBinding* h =
      env.Start(absl::StrCat("getsockopt(", s.on(), ", ", s.option(), ")"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::GetOptionRequest>(*h);
  req.set_option(env.names.option);
  auto r = env.CallRecorded(&Stub::GetOption, req, RpcTimeout(0));
  if (!r.ok()) return r.status();
  *env.record->mutable_option() = r->value();
  return absl::OkStatus();
}

absl::Status ExecuteSetBlocking(StepEnv& env) {
  const v1::SetBlockingStep& s = env.step.set_blocking();
  const HandleBinding* h =
      env.Start(absl::StrCat("set_blocking(", s.on(), ", ", s.blocking(), ")"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::SetBlockingRequest>(*h);
  req.set_blocking(s.blocking());
  return env.CallRecorded(&Stub::SetBlocking, req, RpcTimeout(0)).status();
}

absl::Status ExecuteWaitReadable(StepEnv& env) {
  const v1::WaitReadableStep& s = env.step.wait_readable();
  const HandleBinding* h =
      env.Start(absl::StrCat("poll(", s.on(), ", POLLIN, ", s.within_ms(), " ms)"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::WaitReadableRequest>(*h);
  req.set_deadline_ms(s.within_ms());
  auto r = env.CallRecorded(&Stub::WaitReadable, req, RpcTimeout(s.within_ms()));
  if (!r.ok()) return r.status();
  *env.record->mutable_readable() = *r;
  return absl::OkStatus();
}

absl::Status ExecutePoll(StepEnv& env) {
  const v1::PollStep& s = env.step.poll();
  const HandleBinding* h = env.Start(
      absl::StrCat("poll(", s.on(), ", ", PollEventsText(s.events()), ", ", s.within_ms(), " ms)"),
      s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::PollRequest>(*h);
  *req.mutable_events() = s.events();
  req.set_deadline_ms(s.within_ms());
  auto r = env.CallRecorded(&Stub::Poll, req, RpcTimeout(s.within_ms()));
  if (!r.ok()) return r.status();
  *env.record->mutable_poll() = *r;
  return absl::OkStatus();
}

// An address as the case names it: a role's own address ("server"; the
// step's own role first for getsockname, another role first for
// getpeername), "any" for the wildcard; a port by its name, "ephemeral"
// when the stack chose it.
std::string CaseEndpoint(const v1::Endpoint& e, const StepEnv& env, bool peer) {
  std::string address = e.address();
  if (address.empty() || address == "0.0.0.0" || address == "::") address = "any";
  std::string first_match;
  for (const auto& [role, r] : env.ctx.roles) {
    if (r.address != e.address()) continue;
    if ((role == env.step.role()) != peer) {
      first_match = role;
      break;
    }
    if (first_match.empty()) first_match = role;
  }
  if (!first_match.empty()) address = first_match;
  std::string port = e.port() == 0 ? "0" : "ephemeral";
  for (const auto& [name, number] : env.ctx.ports) {
    if (number == e.port()) port = name;
  }
  return absl::StrCat(address, ":", port);
}

absl::Status ExecuteName(StepEnv& env, bool peer) {
  const v1::NameStep& s = peer ? env.step.getpeername() : env.step.getsockname();
  const HandleBinding* h =
      env.Start(absl::StrCat(peer ? "getpeername(" : "getsockname(", s.on(), ")"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto r = env.CallRecorded(peer ? &Stub::GetPeerName : &Stub::GetSockName,
                            For<v1::NameRequest>(*h), RpcTimeout(0));
  if (!r.ok()) return r.status();
  if (r->has_endpoint()) {
    *(peer ? env.record->mutable_peer() : env.record->mutable_local()) = r->endpoint();
    env.record->set_endpoint(CaseEndpoint(r->endpoint(), env, peer));
  }
  return absl::OkStatus();
}

absl::Status ExecuteState(StepEnv& env) {
  const v1::StateStep& s = env.step.state();
  const HandleBinding* h = env.Start(absl::StrCat("state(", s.on(), ")"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto r = env.Call(&Stub::GetState, For<v1::StateRequest>(*h), RpcTimeout(0));
  if (!r.ok()) return r.status();
  if (!r->not_observable().empty()) return NotObservableError(r->not_observable());
  *env.record->mutable_state() = *r;
  return absl::OkStatus();
}

absl::Status ExecuteWaitState(StepEnv& env) {
  const v1::WaitStateStep& s = env.step.wait_state();
  const HandleBinding* h = env.Start(
      absl::StrCat("wait_state(", s.on(), ", ", s.state(), ", ", s.within_ms(), " ms)"), s.on());
  if (h == nullptr) return absl::OkStatus();
  auto req = For<v1::WaitStateRequest>(*h);
  req.set_state(env.names.state);
  req.set_deadline_ms(s.within_ms());
  auto r = env.Call(&Stub::WaitState, req, RpcTimeout(s.within_ms()));
  if (!r.ok()) return r.status();
  if (!r->not_observable().empty()) return NotObservableError(r->not_observable());
  *env.record->mutable_wait() = *r;
  // A sequence TCP cannot produce is the observer's fault, not the stack's:
  // the run ends as an error instead of handing it to the judge as fact.
  std::vector<v1::TcpState> seen;
  for (const auto& t : r->transitions()) seen.push_back(t.state());
  const std::string impossible = ImpossibleStep(seen, env.session().client().info().platform());
  if (!impossible.empty()) {
    return absl::InternalError(absl::StrCat("observer fault: the agent reported ", impossible,
                                            ", a sequence TCP cannot produce"));
  }
  return absl::OkStatus();
}

absl::Status ExecuteDrop(StepEnv& env) {
  const v1::DropStep& s = env.step.drop();
  const char* way = s.way() == v1::FAULT_DIRECTION_OUTGOING   ? "->"
                    : s.way() == v1::FAULT_DIRECTION_INCOMING ? "<-"
                                                              : "<->";
  env.record->set_call(absl::StrCat("drop(", env.step.role(), " ", way, " ", s.peer(),
                                    s.exact_flags().empty() ? "" : ", flags == " + s.exact_flags(),
                                    ") as ", env.step.as()));
  v1::AddFaultRequest req;
  req.set_peer_address(env.ctx.roles.at(s.peer()).address);
  req.set_first_port(env.ctx.first_port);
  req.set_last_port(env.ctx.last_port);
  req.set_direction(s.way() == v1::FAULT_DIRECTION_UNSPECIFIED ? v1::FAULT_DIRECTION_BOTH
                                                               : s.way());
  req.set_exact_flags(s.exact_flags());
  auto r = env.CallFaults(&Stub::AddFault, req, RpcTimeout(0));
  if (!r.ok()) return r.status();
  env.record->set_fault(r->fault());
  env.record->set_fault_peer(s.peer());
  env.record->set_fault_direction(req.direction());
  env.record->set_fault_exact_flags(s.exact_flags());
  env.Bind(r->fault(), 0);
  return absl::OkStatus();
}

absl::Status ExecuteLift(StepEnv& env) {
  const v1::LiftStep& s = env.step.lift();
  const HandleBinding* h = env.Start(absl::StrCat("lift(", s.fault(), ")"), s.fault());
  if (h == nullptr) return absl::OkStatus();
  v1::RemoveFaultRequest req;
  req.set_fault(h->agent_handle);
  env.record->set_fault(h->agent_handle);
  auto r = env.CallFaults(&Stub::RemoveFault, req, RpcTimeout(0));
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::Status ExecuteSleep(StepEnv& env) {
  env.record->set_call(absl::StrCat("sleep(", env.step.sleep().ms(), " ms)"));
  absl::SleepFor(absl::Milliseconds(env.step.sleep().ms()));
  return absl::OkStatus();
}

absl::Status Dispatch(const v1::Step& step, StepEnv& env) {
  switch (step.action_case()) {
    case v1::Step::kSocket: return ExecuteSocket(env);
    case v1::Step::kListen: return ExecuteListen(env);
    case v1::Step::kBind: return ExecuteBind(env);
    case v1::Step::kConnect: return ExecuteConnect(env);
    case v1::Step::kAccept: return ExecuteAccept(env);
    case v1::Step::kSend: return ExecuteSend(env);
    case v1::Step::kRecv: return ExecuteRecv(env);
    case v1::Step::kShutdown: return ExecuteShutdown(env);
    case v1::Step::kClose: return ExecuteClose(env);
    case v1::Step::kDup: return ExecuteDupStep(env);
    case v1::Step::kSetsockopt: return ExecuteSetOption(env);
    case v1::Step::kGetsockopt: return ExecuteGetOption(env);
    case v1::Step::kSetBlocking: return ExecuteSetBlocking(env);
    case v1::Step::kWaitReadable: return ExecuteWaitReadable(env);
    case v1::Step::kPoll: return ExecutePoll(env);
    case v1::Step::kGetsockname: return ExecuteName(env, false);
    case v1::Step::kGetpeername: return ExecuteName(env, true);
    case v1::Step::kState: return ExecuteState(env);
    case v1::Step::kWaitState: return ExecuteWaitState(env);
    case v1::Step::kSleep: return ExecuteSleep(env);
    case v1::Step::kDrop: return ExecuteDrop(env);
    case v1::Step::kLift: return ExecuteLift(env);
    case v1::Step::kInject: return ExecuteInject(step, env.ctx, env.record);
    case v1::Step::kJoin:
      env.record->set_call("join()");
      return absl::OkStatus();  // the runner waits for background steps
    case v1::Step::ACTION_NOT_SET: break;
  }
  return absl::InvalidArgumentError("step without an action");  // rejected by validation
}

constexpr absl::string_view kNotObservablePayload = "closeprobe/not_observable";

}  // namespace

absl::Status NotObservableError(absl::string_view why) {
  absl::Status s = absl::UnimplementedError(why);
  s.SetPayload(kNotObservablePayload, absl::Cord());
  return s;
}

bool IsNotObservable(const absl::Status& s) {
  return s.GetPayload(kNotObservablePayload).has_value();
}

int64_t CaseContext::GroupStart(const std::string& group) {
  // 30 ms covers a request's way to a local agent many times over; a clock
  // known only within some microseconds widens it.
  int64_t lead_ns = 30'000'000;
  for (const auto& [role, r] : roles) {
    lead_ns = std::max(lead_ns, 30'000'000 + 4 * r.session->client().clock().uncertainty_ns());
  }
  absl::MutexLock lock(&mu_);
  auto [it, fresh] = group_starts_.try_emplace(group, 0);
  if (fresh) it->second = ControllerNowNs() + lead_ns;
  return it->second;
}

absl::Status ExecuteStep(const v1::Step& step, const ResolvedStep& names, CaseContext& ctx,
                         v1::StepRecord* record) {
  StepEnv env{step, names, ctx, record, HandleBinding{}, 0};
  record->set_id(step.id());
  record->set_kind(std::string(KindOf(step).name));
  record->set_role(step.role());
  record->set_start_unix_ns(absl::GetCurrentTimeNanos());
  if (!step.together().empty()) {
    env.start_at = ctx.GroupStart(step.together()) + step.together_offset_us() * 1000LL;
    record->set_together(step.together());
    record->set_requested_start_ns(env.start_at);
  }
  absl::Status s = Dispatch(step, env);
  if (!step.together().empty() && record->result().start_mono_ns() != 0) {
    record->set_actual_start_ns(record->result().start_mono_ns() -
                                env.session().client().clock().offset_ns());
    // A race judged on calls that were not held together would be the
    // harness's outcome, not the stack's.
    if (s.ok() && record->result().requested_start_mono_ns() == 0) {
      return absl::InternalError(absl::StrCat(
          "the agent did not hold the scheduled call (it reports no requested start): its "
          "version may predate scheduling; the race was not run as written"));
    }
  }
  return s;
}

bool CaseContext::FindHandle(const std::string& name, HandleBinding* out) const {
  absl::MutexLock lock(&mu_);
  auto it = handles_.find(name);
  if (it == handles_.end()) return false;
  *out = it->second;
  return true;
}

void CaseContext::SetHandle(const std::string& name, const HandleBinding& h) {
  absl::MutexLock lock(&mu_);
  handles_[name] = h;
}

void CaseContext::SetHandlePort(const std::string& name, uint32_t port) {
  absl::MutexLock lock(&mu_);
  auto it = handles_.find(name);
  if (it != handles_.end()) it->second.port = port;
}

std::map<std::string, HandleBinding> CaseContext::Handles() const {
  absl::MutexLock lock(&mu_);
  return handles_;
}

}  // namespace closeprobe::controller
