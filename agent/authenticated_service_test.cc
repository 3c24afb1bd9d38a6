// AuthenticatedService serves the contract's RPCs from its descriptor: the
// Agent service's all, and a streaming RPC (which the gate cannot refuse
// before its handler) is named as ungated so the agent refuses to start.
#include "agent/authenticated_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/descriptor.pb.h>

#include "closeprobe/v1/agent.grpc.pb.h"

namespace closeprobe::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(AuthenticatedService, GatesEveryRpcOfTheAgentContract) {
  const auto* contract = v1::InfoRequest::descriptor()->file()->FindServiceByName("Agent");
  ASSERT_NE(contract, nullptr);
  ASSERT_EQ(contract->full_name(), v1::Agent::service_full_name());
  AuthGate gate(AuthOptions{});
  std::vector<int> asked;
  AuthenticatedService service(contract, [&](int i) {
    asked.push_back(i);
    return nullptr;  // never run: no call is made here
  }, &gate);
  EXPECT_THAT(service.ungated(), IsEmpty());
  ASSERT_EQ(static_cast<int>(asked.size()), contract->method_count());
  for (int i = 0; i < contract->method_count(); ++i) EXPECT_EQ(asked[i], i);
}

TEST(AuthenticatedService, NamesAStreamingRpcAsUngated) {
  google::protobuf::FileDescriptorProto file;
  file.set_name("streaming_test.proto");
  file.set_package("t");
  auto* message = file.add_message_type();
  message->set_name("M");
  auto* service = file.add_service();
  service->set_name("S");
  auto* unary = service->add_method();
  unary->set_name("Unary");
  unary->set_input_type(".t.M");
  unary->set_output_type(".t.M");
  auto* watch = service->add_method();
  watch->set_name("Watch");
  watch->set_input_type(".t.M");
  watch->set_output_type(".t.M");
  watch->set_server_streaming(true);
  google::protobuf::DescriptorPool pool;
  const google::protobuf::FileDescriptor* built = pool.BuildFile(file);
  ASSERT_NE(built, nullptr);
  AuthGate gate(AuthOptions{});
  AuthenticatedService gated(built->FindServiceByName("S"),
                             [](int) -> grpc::internal::MethodHandler* { return nullptr; },
                             &gate);
  EXPECT_THAT(gated.ungated(), ElementsAre("Watch"));
}

}  // namespace
}  // namespace closeprobe::agent
