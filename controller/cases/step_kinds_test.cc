#include "controller/cases/step_kinds.h"

#include <gtest/gtest.h>

#include <set>

#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

v1::Step StepOf(const std::string& text) {
  v1::Step step;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &step)) << text;
  return step;
}

TEST(StepKinds, EveryMemberOfTheActionOneofHasOneRowNamedAsInCaseFiles) {
  const auto* oneof = v1::Step::descriptor()->FindOneofByName("action");
  std::set<absl::string_view> names;
  for (int i = 0; i < oneof->field_count(); ++i) {
    const auto* field = oneof->field(i);
    const StepKindRow& row = KindOf(static_cast<v1::Step::ActionCase>(field->number()));
    EXPECT_EQ(row.name, field->name()) << "no row for " << field->name();
    EXPECT_EQ(KindNamed(field->name()), &row);
    names.insert(row.name);
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(oneof->field_count()));
  EXPECT_EQ(KindOf(v1::Step::ACTION_NOT_SET).name, "");
  EXPECT_EQ(KindNamed("sendfile"), nullptr);
}

TEST(StepKinds, ListenAndConnectCreateTheirHandleOnlyWithoutOn) {
  EXPECT_TRUE(CreatesHandle(StepOf(R"(listen { port: "srv" })")));
  EXPECT_FALSE(CreatesHandle(StepOf(R"(listen { on: "s" })")));
  EXPECT_TRUE(CreatesHandle(StepOf(R"(connect { to: "l" })")));
  EXPECT_FALSE(CreatesHandle(StepOf(R"(connect { on: "c" to: "l" })")));
  EXPECT_TRUE(CreatesHandle(StepOf(R"(accept { from: "l" })")));
  EXPECT_TRUE(CreatesHandle(StepOf(R"(drop { peer: "b" })")));
  EXPECT_FALSE(CreatesHandle(StepOf(R"(close { on: "c" })")));
}

TEST(StepKinds, OneCallIsOneSocketCallOnAHandleItIsGiven) {
  EXPECT_TRUE(IsOneCall(StepOf(R"(close { on: "c" })")));
  EXPECT_TRUE(IsOneCall(StepOf(R"(accept { from: "l" })")));
  EXPECT_TRUE(IsOneCall(StepOf(R"(connect { on: "c" to: "l" })")));
  EXPECT_FALSE(IsOneCall(StepOf(R"(connect { to: "l" })")));  // socket() + connect()
  EXPECT_FALSE(IsOneCall(StepOf(R"(socket {})")));            // no handle yet
  EXPECT_FALSE(IsOneCall(StepOf(R"(wait_state { on: "c" state: "CLOSED" })")));
  EXPECT_FALSE(IsOneCall(StepOf(R"(sleep { ms: 1 })")));
}

TEST(StepKinds, WhatEachKindObserves) {
  EXPECT_NE(KindOf(v1::Step::kRecv).observes & kBytesRead, 0u);
  EXPECT_EQ(KindOf(v1::Step::kSend).observes & kBytesRead, 0u);
  EXPECT_NE(KindOf(v1::Step::kGetpeername).observes & kPeerEndpoint, 0u);
  EXPECT_EQ(KindOf(v1::Step::kGetsockname).observes & kPeerEndpoint, 0u);
  EXPECT_EQ(KindOf(v1::Step::kState).observes & kCallResult, 0u);
  EXPECT_EQ(KindOf(v1::Step::kInject).observes, 0u);
  EXPECT_FALSE(KindOf(v1::Step::kJoin).has_role);
  EXPECT_TRUE(KindOf(v1::Step::kWaitState).watches_closed);
}

TEST(StepKinds, KindsObservingNameUpToThreeKindsElseWhatTheyObserve) {
  EXPECT_EQ(KindsObserving(kTcpState), "a state or wait_state step");
  EXPECT_EQ(KindsObserving(kPollEvents), "a poll step");
  EXPECT_EQ(KindsObserving(kLocalEndpoint | kPeerEndpoint),
            "a getsockname or getpeername step");
  EXPECT_EQ(KindsObserving(kCallResult), "a socket call's result");
}

}  // namespace
}  // namespace closeprobe::controller
