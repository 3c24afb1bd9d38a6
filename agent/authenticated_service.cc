#include "agent/authenticated_service.h"

#include <grpcpp/support/method_handler.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "agent/grpc_status.h"

namespace closeprobe::agent {

template <typename Req, typename Reply>
void AuthenticatedService::Add(
    const char* name,
    grpc::Status (v1::Agent::Service::*method)(grpc::ServerContext*, const Req*, Reply*)) {
  served_.push_back(name);
  paths_.push_back(absl::StrCat("/", v1::Agent::service_full_name(), "/", name));
  AuthGate* gate = gate_;
  AddMethod(new grpc::internal::RpcServiceMethod(
      paths_.back().c_str(),  // a deque keeps it in place for the service's life
      grpc::internal::RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<v1::Agent::Service, Req, Reply,
                                           grpc::protobuf::MessageLite,
                                           grpc::protobuf::MessageLite>(
          [gate, method](v1::Agent::Service* handlers, grpc::ServerContext* ctx, const Req* req,
                         Reply* reply) {
            const auto& md = ctx->client_metadata();
            auto it = md.find("authorization");
            const std::string token =
                it == md.end() ? "" : std::string(it->second.data(), it->second.size());
            absl::Status admitted = gate->Admit(it == md.end() ? nullptr : &token, ctx->peer());
            if (!admitted.ok()) return ToGrpcStatus(admitted);
            return (handlers->*method)(ctx, req, reply);
          },
          handlers_)));
}

AuthenticatedService::AuthenticatedService(v1::Agent::Service* handlers, AuthGate* gate)
    : handlers_(handlers), gate_(gate) {
  using S = v1::Agent::Service;
  Add("Info", &S::Info);
  Add("OpenSession", &S::OpenSession);
  Add("RenewSession", &S::RenewSession);
  Add("CloseSession", &S::CloseSession);
  Add("Socket", &S::Socket);
  Add("Bind", &S::Bind);
  Add("Listen", &S::Listen);
  Add("Accept", &S::Accept);
  Add("Connect", &S::Connect);
  Add("Send", &S::Send);
  Add("Recv", &S::Recv);
  Add("Shutdown", &S::Shutdown);
  Add("Close", &S::Close);
  Add("Dup", &S::Dup);
  Add("SetOption", &S::SetOption);
  Add("GetOption", &S::GetOption);
  Add("SetBlocking", &S::SetBlocking);
  Add("WaitReadable", &S::WaitReadable);
  Add("Poll", &S::Poll);
  Add("GetSockName", &S::GetSockName);
  Add("GetPeerName", &S::GetPeerName);
  Add("GetState", &S::GetState);
  Add("WaitState", &S::WaitState);
  Add("Connections", &S::Connections);
  Add("StartCapture", &S::StartCapture);
  Add("StopCapture", &S::StopCapture);
  Add("AddFault", &S::AddFault);
  Add("RemoveFault", &S::RemoveFault);
  Add("SetSetting", &S::SetSetting);
  Add("Inject", &S::Inject);
  const auto* contract = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::Agent::service_full_name());
  for (int i = 0; contract != nullptr && i < contract->method_count(); ++i) {
    const std::string& rpc = contract->method(i)->name();
    if (std::find(served_.begin(), served_.end(), rpc) == served_.end()) missing_.push_back(rpc);
  }
}

}  // namespace closeprobe::agent
