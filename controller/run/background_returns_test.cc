// A background step's return is placed after the last step that began while
// it waited, on the same clock only.
#include "controller/run/background_returns.h"

#include <gtest/gtest.h>

#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

v1::Case ThreeSteps() {
  v1::Case spec;
  google::protobuf::TextFormat::ParseFromString(R"(
step { role: "server" accept { from: "lsn" } as: "s" background: true }
step { role: "server" sleep { ms: 1 } }
step { role: "server" shutdown { on: "lsn" how: SHUTDOWN_HOW_BOTH } }
)", &spec);
  return spec;
}

v1::StepRecord Call(int index, int64_t start, int64_t end) {
  v1::StepRecord r;
  r.set_index(index);
  r.mutable_result()->set_start_mono_ns(start);
  r.mutable_result()->set_end_mono_ns(end);
  return r;
}

TEST(BackgroundReturns, AWokenCallReturnsAfterTheStepThatWokeIt) {
  google::protobuf::RepeatedPtrField<v1::StepRecord> records;
  *records.Add() = Call(0, 1000, 5000);  // accept: waited 1000..5000
  records.Add()->set_index(1);          // a sleep: no call
  *records.Add() = Call(2, 4000, 4100);  // shutdown began at 4000
  MarkBackgroundReturns(ThreeSteps(), {"boot", "", "boot"}, &records);
  ASSERT_TRUE(records[0].has_returned_after_step());
  EXPECT_EQ(records[0].returned_after_step(), 2);
  EXPECT_EQ(records[0].returned_after_ns(), 1000);
  EXPECT_FALSE(records[2].has_returned_after_step());  // not a background step
}

TEST(BackgroundReturns, NothingIsSaidAcrossClocksOrWhenNothingBeganMeanwhile) {
  google::protobuf::RepeatedPtrField<v1::StepRecord> records;
  *records.Add() = Call(0, 1000, 5000);
  records.Add()->set_index(1);
  *records.Add() = Call(2, 4000, 4100);
  MarkBackgroundReturns(ThreeSteps(), {"boot", "", "other boot"}, &records);
  EXPECT_FALSE(records[0].has_returned_after_step());

  *records.Mutable(2) = Call(2, 6000, 6100);  // began after the accept returned
  MarkBackgroundReturns(ThreeSteps(), {"boot", "", "boot"}, &records);
  EXPECT_FALSE(records[0].has_returned_after_step());
}

}  // namespace
}  // namespace closeprobe::controller
