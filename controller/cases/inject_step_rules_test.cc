#include "controller/cases/inject_step_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::InjectStep Parse(const std::string& text) {
  v1::InjectStep s;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &s)) << text;
  return s;
}

std::vector<InjectProblem> Check(const std::string& text, const std::string& role = "client",
                                 const std::string& on_role = "client") {
  return CheckInjectStep(Parse(text), role, on_role, "server");
}

TEST(InjectStepRules, AcceptsAWellFormedStep) {
  EXPECT_THAT(Check(R"(on: "c" flags: "RA" seq_offset: 1 ack_offset: -1 window: 0
                       timestamp { value_offset: 5 } mss: 1460 window_scale: 7)"),
              IsEmpty());
  EXPECT_THAT(Check(R"(on: "lsn" from_port: "raw" flags: "S" seq_base: SEQUENCE_BASE_ZERO
                       seq_offset: 1000 window: 1000)",
                    "client", "server"),
              IsEmpty());
}

TEST(InjectStepRules, NamesTheFieldAtFault) {
  EXPECT_THAT(Check(R"(on: "c" flags: "RX")"),
              ElementsAre(Field(&InjectProblem::field, "flags")));
  EXPECT_THAT(Check(R"(on: "c")"), ElementsAre(Field(&InjectProblem::field, "flags")));
  EXPECT_THAT(Check(R"(on: "c" flags: "R" ack_offset: 1)"),
              ElementsAre(Field(&InjectProblem::field, "ack_offset")));
  EXPECT_THAT(Check(R"(on: "c" flags: "A" window: 70000)"),
              ElementsAre(Field(&InjectProblem::field, "window")));
  EXPECT_THAT(Check(R"(on: "c" flags: "S" window_scale: 15)"),
              ElementsAre(Field(&InjectProblem::field, "window_scale")));
  EXPECT_THAT(Check(R"(on: "c" flags: "A" seq_base: SEQUENCE_BASE_RECEIVER_NEXT)"),
              ElementsAre(Field(&InjectProblem::field, "seq_base")));
  EXPECT_THAT(Check(R"(on: "c" flags: "A" timestamp {} omit_timestamp: true)"),
              ElementsAre(Field(&InjectProblem::field, "omit_timestamp")));
  EXPECT_THAT(Check(R"(on: "c" flags: "R" from_port: "raw")"),
              ElementsAre(Field(&InjectProblem::field, "from_port")));
  std::string big = "on: \"c\" flags: \"PA\" payload: \"" + std::string(1401, 'x') + "\"";
  EXPECT_THAT(Check(big), ElementsAre(Field(&InjectProblem::field, "payload")));
}

TEST(InjectStepRules, TheSubjectNeverInjectsAndTheHandleMustBeOnTheConnection) {
  std::vector<InjectProblem> p = Check(R"(on: "s" flags: "R")", "server", "server");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].field, "");
  EXPECT_THAT(p[0].message, HasSubstr("set `role` to the other end"));
  p = Check(R"(on: "x" flags: "R")", "client", "bystander");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].field, "on");
  EXPECT_THAT(p[0].message, HasSubstr("belongs to 'bystander'"));
}

}  // namespace
}  // namespace closeprobe::controller
