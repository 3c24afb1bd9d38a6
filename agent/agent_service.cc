#include "agent/agent_service.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "agent/grpc_status.h"
#include "agent/held_socket.h"
#include "agent/proto_convert.h"
#include "agent/state_observer.h"
#include "agent/timed_socket_api.h"

namespace closeprobe::agent {
namespace {

constexpr absl::Duration kStatePollInterval = absl::Milliseconds(1);

// A connection the stack cannot show is an answer that says why, not an
// error: true when `s` is one and `reply` now says so.
template <typename Reply>
bool AnsweredNotObservable(const absl::Status& s, Reply* reply) {
  if (!IsNotObservable(s)) return false;
  reply->set_not_observable(std::string(s.message()));
  return true;
}

}  // namespace

class AgentService::Handlers final : public v1::Agent::Service {
 public:
  Handlers(Platform platform, AgentOptions options);
  ~Handlers() override;

  SessionRegistry& sessions() { return sessions_; }
  AuthenticatedService* grpc_service() { return &gated_; }
  bool requires_token() const { return gate_.requires_token(); }

 private:
  grpc::Status Info(grpc::ServerContext* ctx, const v1::InfoRequest* req,
                    v1::InfoReply* reply) override;
  grpc::Status OpenSession(grpc::ServerContext* ctx,
                           const v1::OpenSessionRequest* req,
                           v1::OpenSessionReply* reply) override;
  grpc::Status RenewSession(grpc::ServerContext* ctx,
                            const v1::SessionRequest* req,
                            v1::RenewSessionReply* reply) override;
  grpc::Status CloseSession(grpc::ServerContext* ctx,
                            const v1::SessionRequest* req,
                            v1::CloseSessionReply* reply) override;
  grpc::Status Socket(grpc::ServerContext* ctx, const v1::SocketRequest* req,
                      v1::SocketReply* reply) override;
  grpc::Status Bind(grpc::ServerContext* ctx, const v1::BindRequest* req,
                    v1::CallReply* reply) override;
  grpc::Status Listen(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                      v1::CallReply* reply) override;
  grpc::Status Accept(grpc::ServerContext* ctx, const v1::AcceptRequest* req,
                      v1::SocketReply* reply) override;
  grpc::Status Connect(grpc::ServerContext* ctx, const v1::ConnectRequest* req,
                       v1::CallReply* reply) override;
  grpc::Status Send(grpc::ServerContext* ctx, const v1::SendRequest* req,
                    v1::SendReply* reply) override;
  grpc::Status Recv(grpc::ServerContext* ctx, const v1::RecvRequest* req,
                    v1::RecvReply* reply) override;
  grpc::Status Shutdown(grpc::ServerContext* ctx,
                        const v1::ShutdownRequest* req,
                        v1::CallReply* reply) override;
  grpc::Status Close(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                     v1::CallReply* reply) override;
  grpc::Status Dup(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                   v1::SocketReply* reply) override;
  grpc::Status SetOption(grpc::ServerContext* ctx,
                         const v1::SetOptionRequest* req,
                         v1::CallReply* reply) override;
  grpc::Status GetOption(grpc::ServerContext* ctx,
                         const v1::GetOptionRequest* req,
                         v1::GetOptionReply* reply) override;
  grpc::Status SetBlocking(grpc::ServerContext* ctx,
                           const v1::SetBlockingRequest* req,
                           v1::CallReply* reply) override;
  grpc::Status WaitReadable(grpc::ServerContext* ctx,
                            const v1::WaitReadableRequest* req,
                            v1::WaitReadableReply* reply) override;
  grpc::Status Poll(grpc::ServerContext* ctx, const v1::PollRequest* req,
                    v1::PollReply* reply) override;
  grpc::Status GetSockName(grpc::ServerContext* ctx, const v1::NameRequest* req,
                           v1::NameReply* reply) override;
  grpc::Status GetPeerName(grpc::ServerContext* ctx, const v1::NameRequest* req,
                           v1::NameReply* reply) override;
  grpc::Status GetState(grpc::ServerContext* ctx, const v1::StateRequest* req,
                        v1::StateReply* reply) override;
  grpc::Status WaitState(grpc::ServerContext* ctx,
                         const v1::WaitStateRequest* req,
                         v1::WaitStateReply* reply) override;
  grpc::Status Connections(grpc::ServerContext* ctx,
                           const v1::ConnectionsRequest* req,
                           v1::ConnectionsReply* reply) override;
  grpc::Status StartCapture(grpc::ServerContext* ctx, const v1::StartCaptureRequest* req,
                            v1::StartCaptureReply* reply) override;
  grpc::Status StopCapture(grpc::ServerContext* ctx, const v1::StopCaptureRequest* req,
                           v1::StopCaptureReply* reply) override;
  grpc::Status AddFault(grpc::ServerContext* ctx, const v1::AddFaultRequest* req,
                        v1::AddFaultReply* reply) override;
  grpc::Status RemoveFault(grpc::ServerContext* ctx, const v1::RemoveFaultRequest* req,
                           v1::RemoveFaultReply* reply) override;
  grpc::Status SetSetting(grpc::ServerContext* ctx, const v1::SetSettingRequest* req,
                          v1::SetSettingReply* reply) override;
  grpc::Status Inject(grpc::ServerContext* ctx, const v1::InjectRequest* req,
                      v1::InjectReply* reply) override;

  // The session and open socket a request names, held for the call.
  struct Target {
    ActiveSession session;
    std::shared_ptr<SocketRecord> record;
    // The request's scheduled start, armed for this handler (scheduled_start.h).
    std::shared_ptr<ScheduledStartScope> start;
  };
  absl::StatusOr<ActiveSession> Enter(const std::string& session);
  // REQUIRES: the handle is open unless allow_closed.
  absl::StatusOr<Target> EnterSocket(const grpc::ServerContext& ctx,
                                     const std::string& session,
                                     const std::string& handle,
                                     bool allow_closed = false);
  absl::StatusOr<absl::Duration> Deadline(int32_t ms) const;
  // getsockname() or getpeername() for a request.
  grpc::Status Name(grpc::ServerContext& ctx, const v1::NameRequest& req, NameOf which,
                    v1::NameReply* reply);
  // The call's result into the reply; or, where the agent's own machinery
  // failed inside the call, INTERNAL saying so: the stack gave no outcome.
  absl::Status Fill(const CallResult& r, v1::CallResult* out) const;
  // Refreshes the record's addresses from the open socket (with a
  // connect's target when the socket has no peer yet) and tells the
  // stack clock, if any, which connections live sessions hold.
  void Track(const std::shared_ptr<SocketRecord>& record,
             const Endpoint* remote_fallback = nullptr);
  absl::StatusOr<ConnectionInfo> StateOf(const SocketRecord& record);
  grpc::Status Missing(const std::string& what) const;

  Platform platform_;
  TimedSocketApi sockets_;
  const AgentOptions options_;
  SessionRegistry sessions_;
  AuthGate gate_;
  AuthenticatedService gated_;
  LiveConnections live_;  // for platform_.clock
};

AgentService::Handlers::Handlers(Platform platform, AgentOptions options)
    : platform_(std::move(platform)),
      sockets_(platform_.sockets.get()),
      options_(std::move(options)),
      sessions_(platform_.sockets.get(), options_.limits, platform_.reset_when_idle),
      gate_(options_.auth),
      gated_(v1::InfoRequest::descriptor()->file()->FindServiceByName("Agent"),
             [this](int i) { return GetHandler(i); }, &gate_) {
  if (platform_.clock) platform_.clock->SetLiveConnections([this] { return live_.Snapshot(); });
}

AgentService::Handlers::~Handlers() { sessions_.CloseAll(); }

AgentService::AgentService(Platform platform, AgentOptions options)
    : handlers_(std::make_unique<Handlers>(std::move(platform), std::move(options))) {}
AgentService::~AgentService() = default;
SessionRegistry& AgentService::sessions() { return handlers_->sessions(); }
AuthenticatedService* AgentService::grpc_service() { return handlers_->grpc_service(); }
bool AgentService::requires_token() const { return handlers_->requires_token(); }

absl::StatusOr<ActiveSession> AgentService::Handlers::Enter(const std::string& session) {
  return sessions_.Acquire(session);
}

absl::StatusOr<AgentService::Handlers::Target> AgentService::Handlers::EnterSocket(
    const grpc::ServerContext& ctx, const std::string& session,
    const std::string& handle, bool allow_closed) {
  absl::StatusOr<ActiveSession> active = Enter(session);
  if (!active.ok()) return active.status();
  if (handle.empty()) return absl::InvalidArgumentError("the request names no handle");
  absl::StatusOr<std::shared_ptr<SocketRecord>> record = (*active)->handles().Get(handle);
  if (!record.ok()) return record.status();
  if ((*record)->closed() && !allow_closed) {
    return absl::FailedPreconditionError(
        absl::StrCat("handle '", handle, "' was closed"));
  }
  std::shared_ptr<ScheduledStartScope> start;
  auto at = ctx.client_metadata().find(kStartAtMetadata);
  if (at != ctx.client_metadata().end()) {
    absl::StatusOr<int64_t> when =
        ParseStartAt(std::string(at->second.data(), at->second.size()), MonotonicNowNs());
    if (!when.ok()) return when.status();
    start = std::make_shared<ScheduledStartScope>(*when);
  }
  return Target{std::move(*active), std::move(*record), std::move(start)};
}

absl::StatusOr<absl::Duration> AgentService::Handlers::Deadline(int32_t ms) const {
  return DeadlineFromProto(ms, options_.default_deadline, options_.max_deadline);
}

absl::Status AgentService::Handlers::Fill(const CallResult& r, v1::CallResult* out) const {
  if (!r.agent_fault.empty()) {
    const std::string with =
        r.native_error == 0
            ? ""
            : absl::StrCat(" with ", platform_.error_name(r.native_error).native_name, " (",
                           r.native_error, ")");
    return absl::InternalError(absl::StrCat("agent fault: ", r.agent_fault, " failed", with,
                                            "; the stack gave no outcome for this call"));
  }
  CallResultToProto(r, platform_.error_name, out);
  return absl::OkStatus();
}

void AgentService::Handlers::Track(const std::shared_ptr<SocketRecord>& record,
                         const Endpoint* remote_fallback) {
  // Bookkeeping goes to the backend itself, not through sockets_: it is no
  // call under test, and a scheduled start belongs to the call under test.
  SocketApi& backend = *platform_.sockets;
  Endpoint e;
  if (backend.LocalEndpoint(record->native, &e)) record->local = e;
  if (backend.PeerEndpoint(record->native, &e)) record->remote = e;
  if (remote_fallback != nullptr && record->remote.port == 0) record->remote = *remote_fallback;
  if (platform_.clock) live_.Publish(record);
}

absl::StatusOr<ConnectionInfo> AgentService::Handlers::StateOf(const SocketRecord& record) {
  return platform_.states->Find(record.Identity());
}

grpc::Status AgentService::Handlers::Info(grpc::ServerContext* ctx, const v1::InfoRequest*,
                                v1::InfoReply* reply) {
  DescriptionToProto(platform_.info->Describe(), reply);
  if (platform_.capture) reply->add_features("capture");
  if (platform_.faults) reply->add_features("faults");
  if (platform_.settings) reply->add_features("settings");
  if (platform_.clock) reply->add_features("fast_forward");
  if (platform_.injector && platform_.capture) reply->add_features("inject");
  reply->set_test_address(options_.test_address);
  reply->set_agent_version(CLOSEPROBE_VERSION);
  reply->set_clock_domain(MonotonicClockDomain());
  reply->set_mono_now_ns(MonotonicNowNs());
  for (const std::string& w : options_.warnings) reply->add_warnings(w);
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::OpenSession(grpc::ServerContext* ctx,
                                       const v1::OpenSessionRequest* req,
                                       v1::OpenSessionReply* reply) {
  if (req->lease_ms() < 0) {
    return ToGrpcStatus(absl::InvalidArgumentError("lease_ms is negative"));
  }
  std::shared_ptr<Session> session;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(session,
                                   sessions_.Open(absl::Milliseconds(req->lease_ms())));
  reply->set_session(session->id());
  reply->set_lease_ms(static_cast<int32_t>(absl::ToInt64Milliseconds(session->lease())));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::RenewSession(grpc::ServerContext* ctx,
                                        const v1::SessionRequest* req,
                                        v1::RenewSessionReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  reply->set_lease_ms(static_cast<int32_t>(absl::ToInt64Milliseconds(s->lease())));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::CloseSession(grpc::ServerContext* ctx,
                                        const v1::SessionRequest* req,
                                        v1::CloseSessionReply* reply) {
  int closed = 0;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(closed, sessions_.Close(req->session()));
  reply->set_sockets_closed(closed);
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Socket(grpc::ServerContext* ctx, const v1::SocketRequest* req,
                                  v1::SocketReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  NativeSocket native = kNoSocket;
  const CallResult r = sockets_.Call(&SocketApi::Socket, req->family(), &native);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(Fill(r, reply->mutable_result()));
  if (native == kNoSocket) return grpc::Status::OK;
  absl::StatusOr<std::string> handle = s->handles().Add(native);
  if (!handle.ok()) platform_.sockets->Discard(native);
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(*reply->mutable_handle(), std::move(handle));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Bind(grpc::ServerContext* ctx, const v1::BindRequest* req,
                                v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Endpoint local, EndpointFromProto(req->local()));
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Bind, t.record->native, local), reply->mutable_result()));
  Track(t.record);
  EndpointToProto(t.record->local, reply->mutable_local());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Listen(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                                  v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  if (req->backlog() < 0 || req->backlog() > 65535) {
    return ToGrpcStatus(absl::InvalidArgumentError("backlog must be 0..65535"));
  }
  const int backlog = req->backlog() == 0 ? 16 : req->backlog();
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Listen, t.record->native, backlog), reply->mutable_result()));
  if (reply->result().error() == v1::ERROR_NAME_OK) t.record->listening = true;
  Track(t.record);
  EndpointToProto(t.record->local, reply->mutable_local());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Accept(grpc::ServerContext* ctx, const v1::AcceptRequest* req,
                                  v1::SocketReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(absl::Duration wait, Deadline(req->deadline_ms()));
  NativeSocket native = kNoSocket;
  Endpoint peer;
  HeldSocket held(*platform_.sockets, t.record);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Accept, held.native(), wait, &native, &peer),
           reply->mutable_result()));
  if (native == kNoSocket) return grpc::Status::OK;
  absl::StatusOr<std::string> handle = t.session->handles().Add(native);
  if (!handle.ok()) platform_.sockets->Discard(native);
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(*reply->mutable_handle(), std::move(handle));
  // accept()'s peer stays the connection's even when a reset already took
  // getpeername() away (the socket is then no listener's to answer for).
  Track(*t.session->handles().Get(reply->handle()), &peer);
  EndpointToProto(peer, reply->mutable_peer());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Connect(grpc::ServerContext* ctx, const v1::ConnectRequest* req,
                                   v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Endpoint remote, EndpointFromProto(req->remote()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(absl::Duration wait, Deadline(req->deadline_ms()));
  if (!options_.targets.Allows(remote.address)) {
    return ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
        "connect to ", remote.address, " refused: not in this agent's --allow_targets (",
        options_.targets.ToString(), ")")));
  }
  {
    HeldSocket held(*platform_.sockets, t.record);
    CLOSEPROBE_GRPC_RETURN_IF_ERROR(Fill(
        sockets_.Call(&SocketApi::Connect, held.native(), remote, wait), reply->mutable_result()));
  }
  Track(t.record, &remote);  // the peer it is meant for, while in progress or after failing
  EndpointToProto(t.record->local, reply->mutable_local());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Send(grpc::ServerContext* ctx, const v1::SendRequest* req,
                                v1::SendReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(absl::Duration wait, Deadline(req->deadline_ms()));
  if (req->length() < 0 || req->length() > options_.max_call_bytes ||
      static_cast<int64_t>(req->data().size()) > options_.max_call_bytes) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "a send may carry 0..", options_.max_call_bytes, " bytes (--max_call_bytes), got ",
        req->data().empty() ? static_cast<int64_t>(req->length())
                            : static_cast<int64_t>(req->data().size()))));
  }
  if (!req->data().empty() && req->length() > 0) {
    return ToGrpcStatus(absl::InvalidArgumentError("give data or length, not both"));
  }
  const std::string filler(req->data().empty() ? req->length() : 0, 'x');
  const std::string& data = req->data().empty() ? filler : req->data();
  IoFlags flags;
  flags.dont_wait = req->dont_wait();
  flags.allow_sigpipe = req->allow_sigpipe();
  HeldSocket held(*platform_.sockets, t.record);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(Fill(
      sockets_.Call(&SocketApi::Send, held.native(), data, flags, wait), reply->mutable_result()));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Recv(grpc::ServerContext* ctx, const v1::RecvRequest* req,
                                v1::RecvReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(absl::Duration wait, Deadline(req->deadline_ms()));
  if (req->max_bytes() <= 0 || req->max_bytes() > options_.max_call_bytes) {
    return ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat(
        "max_bytes must be 1..", options_.max_call_bytes, " (--max_call_bytes), got ",
        req->max_bytes())));
  }
  IoFlags flags;
  flags.peek = req->peek();
  flags.dont_wait = req->dont_wait();
  HeldSocket held(*platform_.sockets, t.record);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Recv, held.native(), req->max_bytes(), flags, wait,
                         reply->mutable_data()),
           reply->mutable_result()));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Shutdown(grpc::ServerContext* ctx, const v1::ShutdownRequest* req,
                                    v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(v1::ShutdownHow how, ShutdownFromProto(req->how()));
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Shutdown, t.record->native, how), reply->mutable_result()));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Close(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                                 v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  if (absl::Status refused = HeldSocket::CloseRefused(*t.record); !refused.ok()) {
    return ToGrpcStatus(refused);
  }
  Track(t.record);
  const NativeSocket native = t.record->native;
  t.record->native = kNoSocket;  // the descriptor is gone even if close() fails
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Close, native), reply->mutable_result()));
  EndpointToProto(t.record->local, reply->mutable_local());
  return grpc::Status::OK;
}

// The copy gets a handle of its own; closing one handle leaves the socket
// open while the other lives, as closing one descriptor does.
grpc::Status AgentService::Handlers::Dup(grpc::ServerContext* ctx, const v1::HandleRequest* req,
                                         v1::SocketReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  NativeSocket copy = kNoSocket;
  const CallResult r = sockets_.Call(&SocketApi::Dup, t.record->native, &copy);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(Fill(r, reply->mutable_result()));
  if (copy == kNoSocket) return grpc::Status::OK;
  absl::StatusOr<std::string> handle = t.session->handles().Add(copy);
  if (!handle.ok()) platform_.sockets->Discard(copy);
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(*reply->mutable_handle(), std::move(handle));
  std::shared_ptr<SocketRecord> record = *t.session->handles().Get(reply->handle());
  record->listening = t.record->listening;
  Track(record, &t.record->remote);
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::SetOption(grpc::ServerContext* ctx, const v1::SetOptionRequest* req,
                                     v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(OptionValue value,
                                   OptionValueFromProto(req->option(), req->value()));
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::SetOption, t.record->native, req->option(), value),
           reply->mutable_result()));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::GetOption(grpc::ServerContext* ctx, const v1::GetOptionRequest* req,
                                     v1::GetOptionReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  if (absl::Status known = CheckOption(req->option()); !known.ok()) return ToGrpcStatus(known);
  OptionValue value;
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::GetOption, t.record->native, req->option(), &value),
           reply->mutable_result()));
  OptionValueToProto(req->option(), value, reply->mutable_value());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::SetBlocking(grpc::ServerContext* ctx,
                                       const v1::SetBlockingRequest* req,
                                       v1::CallReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::SetBlocking, t.record->native, req->blocking()),
           reply->mutable_result()));
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::WaitReadable(grpc::ServerContext* ctx,
                                        const v1::WaitReadableRequest* req,
                                        v1::WaitReadableReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      absl::Duration wait,
      DeadlineFromProto(req->deadline_ms(), absl::ZeroDuration(), options_.max_deadline));
  PollEvents wanted, fired;
  wanted.in = true;
  HeldSocket held(*platform_.sockets, t.record);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Poll, held.native(), wanted, wait, &fired),
           reply->mutable_result()));
  reply->set_readable(fired.in);
  reply->set_hangup(fired.hangup || fired.read_hangup);
  reply->set_error(fired.error);
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Poll(grpc::ServerContext* ctx, const v1::PollRequest* req,
                                v1::PollReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(*ctx, req->session(), req->handle()));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      absl::Duration wait,
      DeadlineFromProto(req->deadline_ms(), absl::ZeroDuration(), options_.max_deadline));
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(PollEvents wanted, PollEventsFromProto(req->events()));
  PollEvents fired;
  HeldSocket held(*platform_.sockets, t.record);
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Poll, held.native(), wanted, wait, &fired),
           reply->mutable_result()));
  PollEventsToProto(fired, reply->mutable_fired());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::GetSockName(grpc::ServerContext* ctx, const v1::NameRequest* req,
                                       v1::NameReply* reply) {
  return Name(*ctx, *req, NameOf::kLocal, reply);
}

grpc::Status AgentService::Handlers::GetPeerName(grpc::ServerContext* ctx, const v1::NameRequest* req,
                                       v1::NameReply* reply) {
  return Name(*ctx, *req, NameOf::kPeer, reply);
}

grpc::Status AgentService::Handlers::Name(grpc::ServerContext& ctx, const v1::NameRequest& req,
                                NameOf which, v1::NameReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(Target t, EnterSocket(ctx, req.session(), req.handle()));
  Endpoint e;
  CLOSEPROBE_GRPC_RETURN_IF_ERROR(
      Fill(sockets_.Call(&SocketApi::Name, t.record->native, which, &e), reply->mutable_result()));
  if (reply->result().error() == v1::ERROR_NAME_OK) EndpointToProto(e, reply->mutable_endpoint());
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::GetState(grpc::ServerContext* ctx, const v1::StateRequest* req,
                                    v1::StateReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      Target t, EnterSocket(*ctx, req->session(), req->handle(), /*allow_closed=*/true));
  absl::StatusOr<ConnectionInfo> found = StateOf(*t.record);
  if (AnsweredNotObservable(found.status(), reply)) return grpc::Status::OK;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ConnectionInfo c, std::move(found));
  reply->set_state(c.state);
  if (c.state != v1::TCP_STATE_CLOSED) ConnectionToProto(c, reply->mutable_connection());
  reply->set_observed_mono_ns(MonotonicNowNs());
  return grpc::Status::OK;
}

// Samples the state every millisecond and keeps each change with the time
// it was first seen, so dwell times are measured rather than inferred.
grpc::Status AgentService::Handlers::WaitState(grpc::ServerContext* ctx, const v1::WaitStateRequest* req,
                                     v1::WaitStateReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      Target t, EnterSocket(*ctx, req->session(), req->handle(), /*allow_closed=*/true));
  if (req->state() == v1::TCP_STATE_UNSPECIFIED || !v1::TcpState_IsValid(req->state())) {
    return ToGrpcStatus(absl::InvalidArgumentError("wait_state needs a target state"));
  }
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      absl::Duration wait,
      DeadlineFromProto(req->deadline_ms(), absl::ZeroDuration(), options_.max_deadline));
  // A stack with a clock of its own may skip to the timer this waits for;
  // the wait then reports the stack's time next to the wall time.
  StackClock* clock = platform_.clock.get();
  const SocketIdentity target = t.record->Identity();
  const int64_t start = MonotonicNowNs();
  const int64_t stack_start = clock != nullptr ? clock->NowNs() : 0;
  const int64_t deadline = start + absl::ToInt64Nanoseconds(wait);
  // With a clock of its own the wait is bounded on that clock, which never
  // runs behind the host's: skipped time counts against `wait` too.
  const int64_t stack_deadline = stack_start + absl::ToInt64Nanoseconds(wait);
  for (;;) {
    absl::StatusOr<ConnectionInfo> found = StateOf(*t.record);
    if (AnsweredNotObservable(found.status(), reply)) return grpc::Status::OK;
    CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ConnectionInfo c, std::move(found));
    const int64_t now = MonotonicNowNs();
    const int64_t stack_now = clock != nullptr ? clock->NowNs() : 0;
    const int n = reply->transitions_size();
    if (n == 0 || reply->transitions(n - 1).state() != c.state) {
      v1::StateTransition* tr = reply->add_transitions();
      tr->set_state(c.state);
      tr->set_at_mono_ns(now);
      tr->set_at_unix_ns(absl::GetCurrentTimeNanos());
      tr->set_at_stack_ns(stack_now);
    }
    reply->set_state(c.state);
    reply->set_waited_ns(now - start);
    reply->set_stack_waited_ns(stack_now - stack_start);
    if (c.state == req->state()) {
      reply->set_reached(true);
      return grpc::Status::OK;
    }
    const bool over = clock != nullptr ? stack_now >= stack_deadline : now >= deadline;
    if (over || ctx->IsCancelled()) return grpc::Status::OK;
    if (clock == nullptr || !clock->SkipToNextTimer(target, stack_deadline)) {
      absl::SleepFor(kStatePollInterval);
    }
  }
}

grpc::Status AgentService::Handlers::Connections(grpc::ServerContext* ctx,
                                       const v1::ConnectionsRequest* req,
                                       v1::ConnectionsReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  if (req->local_port() == 0 || req->local_port() > 65535) {
    return ToGrpcStatus(absl::InvalidArgumentError("local_port must be 1..65535"));
  }
  std::vector<ConnectionInfo> list;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      list, platform_.states->ConnectionsOnPort(static_cast<uint16_t>(req->local_port())));
  for (const ConnectionInfo& c : list) ConnectionToProto(c, reply->add_connections());
  return grpc::Status::OK;
}

// The optional pieces: absent ones answer UNIMPLEMENTED with the reason.
grpc::Status AgentService::Handlers::StartCapture(grpc::ServerContext* ctx,
                                        const v1::StartCaptureRequest* req,
                                        v1::StartCaptureReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  WireCapture* capture = platform_.capture.get();
  if (capture == nullptr) return Missing("wire capture (an agent captures only where it can, "
                                         "and on a kernel stack only as root)");
  absl::Status ports = CheckPortRange(req->first_port(), req->last_port());
  if (!ports.ok()) return ToGrpcStatus(ports);
  int id = 0;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(
      id, capture->Start(options_.test_address, static_cast<uint16_t>(req->first_port()),
                         static_cast<uint16_t>(req->last_port()), reply->mutable_interface()));
  reply->set_capture(absl::StrCat(id));
  s->AddCleanup(absl::StrCat("capture:", id), [capture, id] { capture->Stop(id).IgnoreError(); });
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::StopCapture(grpc::ServerContext* ctx,
                                       const v1::StopCaptureRequest* req,
                                       v1::StopCaptureReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  int id = 0;
  if (platform_.capture == nullptr) return Missing("wire capture (it needs root)");
  if (!absl::SimpleAtoi(req->capture(), &id) ||
      !s->DropCleanup(absl::StrCat("capture:", id))) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("capture '", req->capture(), "' is not running in this session")));
  }
  CaptureResult result;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(result, platform_.capture->Stop(id));
  for (const CapturedSegment& seg : result.segments) SegmentToProto(seg, reply->add_segments());
  if (req->want_pcap()) reply->set_pcap(std::move(result.pcap));
  reply->set_dropped(result.dropped);
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::AddFault(grpc::ServerContext* ctx, const v1::AddFaultRequest* req,
                                    v1::AddFaultReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  FaultInjector* faults = platform_.faults.get();
  if (faults == nullptr) return Missing("fault injection (an agent injects faults only where it "
                                        "can, started with --allow_faults, and on a kernel "
                                        "stack as root)");
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(FaultRule rule, FaultRuleFromProto(*req));
  int id = 0;
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(id, faults->Add(rule));
  reply->set_fault(absl::StrCat(id));
  s->AddCleanup(absl::StrCat("fault:", id), [faults, id] { faults->Remove(id).IgnoreError(); });
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::RemoveFault(grpc::ServerContext* ctx,
                                       const v1::RemoveFaultRequest* req,
                                       v1::RemoveFaultReply*) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  if (platform_.faults == nullptr) return Missing("fault injection");
  int id = 0;
  if (!absl::SimpleAtoi(req->fault(), &id) || !s->DropCleanup(absl::StrCat("fault:", id))) {
    return ToGrpcStatus(absl::NotFoundError(
        absl::StrCat("fault '", req->fault(), "' is not installed by this session")));
  }
  return ToGrpcStatus(platform_.faults->Remove(id));
}

grpc::Status AgentService::Handlers::SetSetting(grpc::ServerContext* ctx, const v1::SetSettingRequest* req,
                                      v1::SetSettingReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  StackSettings* settings = platform_.settings.get();
  if (settings == nullptr) return Missing("stack settings (an agent changes them only where its "
                                          "stack has settings it can change, started with "
                                          "--allow_settings, and on a kernel stack as root)");
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(*reply->mutable_previous(),
                                   settings->Set(req->name(), req->value()));
  // The first previous value is the one to restore.
  s->AddCleanup(absl::StrCat("setting:", req->name()),
                [settings, name = req->name(), previous = reply->previous()] {
                  settings->Set(name, previous).IgnoreError();
                });
  return grpc::Status::OK;
}

grpc::Status AgentService::Handlers::Inject(grpc::ServerContext* ctx,
                                            const v1::InjectRequest* req,
                                            v1::InjectReply* reply) {
  CLOSEPROBE_GRPC_ASSIGN_OR_RETURN(ActiveSession s, Enter(req->session()));
  return InjectSegment(platform_, *s.operator->(), *req, reply);
}

grpc::Status AgentService::Handlers::Missing(const std::string& what) const {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, absl::StrCat("this agent has no ", what));
}

}  // namespace closeprobe::agent
