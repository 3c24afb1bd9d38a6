#include "agent/authenticated_service.h"

#include <google/protobuf/message_lite.h>
#include <grpcpp/impl/rpc_service_method.h>


#include "absl/strings/str_cat.h"
#include "agent/grpc_status.h"

namespace closeprobe::agent {
namespace {

using grpc::internal::MethodHandler;

// A unary method's handler with the gate in front of it.
class GatedHandler final : public MethodHandler {
 public:
  GatedHandler(MethodHandler* inner, AuthGate* gate) : inner_(inner), gate_(gate) {}

  void* Deserialize(grpc_call* call, grpc_byte_buffer* req, grpc::Status* status,
                    void** handler_data) override {
    return inner_->Deserialize(call, req, status, handler_data);
  }

  void RunHandler(const HandlerParameter& param) override {
    const absl::Status admitted = param.status.ok() ? Admit(*param.server_context)
                                                    : absl::OkStatus();
    if (admitted.ok()) return inner_->RunHandler(param);
    // The generated handler answers a call that comes with an error status
    // without running the service's method; the request it deserialized (a
    // MessageLite, its BaseRequestType) is then ours to destroy.
    static_cast<google::protobuf::MessageLite*>(param.request)->~MessageLite();
    inner_->RunHandler(HandlerParameter(param.call, param.server_context, nullptr,
                                        ToGrpcStatus(admitted), param.internal_data,
                                        param.call_requester));
  }

 private:
  absl::Status Admit(grpc::ServerContextBase& ctx) const {
    const auto& md = ctx.client_metadata();
    auto it = md.find("authorization");
    const std::string token =
        it == md.end() ? "" : std::string(it->second.data(), it->second.size());
    return gate_->Admit(it == md.end() ? nullptr : &token, ctx.peer());
  }

  MethodHandler* const inner_;
  AuthGate* const gate_;
};

}  // namespace

AuthenticatedService::AuthenticatedService(const google::protobuf::ServiceDescriptor* contract,
                                           HandlerOf handler_of, AuthGate* gate) {
  if (contract == nullptr) ungated_.push_back("every RPC (the contract's descriptor is missing)");
  for (int i = 0; contract != nullptr && i < contract->method_count(); ++i) {
    const google::protobuf::MethodDescriptor& rpc = *contract->method(i);
    if (rpc.client_streaming() || rpc.server_streaming()) {
      ungated_.push_back(rpc.name());
      continue;
    }
    paths_.push_back(absl::StrCat("/", contract->full_name(), "/", rpc.name()));
    AddMethod(new grpc::internal::RpcServiceMethod(
        paths_.back().c_str(),  // a deque keeps it in place for the service's life
        grpc::internal::RpcMethod::NORMAL_RPC,
        new GatedHandler(handler_of(i), gate)));
  }
}

}  // namespace closeprobe::agent
