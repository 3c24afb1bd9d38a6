// Wire checks against attributed segments: counts, ordering, FIN numbering.
#include "controller/judge/wire_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"

namespace closeprobe::controller {
namespace {

using ::testing::HasSubstr;

// A segment from `from` (port 1 for client, 2 for server) with raw numbers.
std::string Seg(const std::string& from, const std::string& flags, uint32_t seq, uint32_t ack) {
  const int src = from == "client" ? 1 : 2;
  return absl::StrCat("segments { from_role: \"", from, "\" flags: \"", flags,
                      "\" raw { src { address: \"a\" port: ", src,
                      " } dst { address: \"a\" port: ", 3 - src, " } seq: ", seq, " ack: ", ack,
                      " } }\n");
}

google::protobuf::RepeatedPtrField<v1::WireSegment> Segments(const std::string& text) {
  v1::CaseResult r;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &r));
  return r.segments();
}

v1::WireCheck Check(const std::string& text) {
  v1::WireCheck c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c));
  return c;
}

TEST(WireChecks, CountsAndAfter) {
  const auto segs = Segments(Seg("client", "FA", 100, 500) + Seg("server", "A", 500, 101) +
                             Seg("server", "R", 500, 0) + Seg("server", "R", 500, 0));
  std::string observed;
  EXPECT_TRUE(WireHolds(Check("from: \"server\" flags: \"R\" count: 2"), segs, &observed));
  EXPECT_FALSE(WireHolds(Check("from: \"server\" flags: \"R\" count: 1"), segs, &observed));
  EXPECT_THAT(observed, HasSubstr("server sent 2 such segment(s)"));
  EXPECT_TRUE(WireHolds(Check("from: \"client\" flags: \"F\" max_count: 1"), segs, &observed));
  EXPECT_TRUE(WireHolds(
      Check("from: \"server\" flags: \"R\" after { from: \"client\" flags: \"F\" }"), segs,
      &observed));
  EXPECT_FALSE(WireHolds(
      Check("from: \"client\" flags: \"F\" after { from: \"server\" flags: \"R\" }"), segs,
      &observed));
  EXPECT_FALSE(WireHolds(Check("from: \"client\" flags: \"R\""), segs, &observed));
  EXPECT_EQ(CountSent(Check("from: \"server\" flags: \"R\""), segs), 2);
}

TEST(WireChecks, InjectedSelectsCraftedSegmentsOrTheStacksOwn) {
  // The client's real FIN, a crafted copy of it, and the server's ACK of each.
  std::string crafted = Seg("client", "FA", 100, 500);
  crafted.insert(crafted.rfind('}'), "injected: true ");
  const auto segs = Segments(Seg("client", "FA", 100, 500) + Seg("server", "A", 500, 101) +
                             crafted + Seg("server", "A", 500, 101));
  std::string observed;
  EXPECT_TRUE(WireHolds(Check("from: \"client\" flags: \"F\" injected: true count: 1"), segs,
                        &observed));
  EXPECT_TRUE(WireHolds(Check("from: \"client\" flags: \"F\" injected: false count: 1"), segs,
                        &observed));
  EXPECT_TRUE(WireHolds(
      Check("from: \"server\" flags: \"A\" count: 1 after { from: \"client\" injected: true }"),
      segs, &observed));
  EXPECT_EQ(DescribeWireCheck(Check("from: \"client\" injected: true")),
            "client sends any (injected) x>=1");
}

TEST(WireChecks, AcksPeerFinCountsTheFinAsOneSequenceNumber) {
  std::string observed;
  const v1::WireCheck acks = Check("from: \"server\" flags: \"A\" acks_peer_fin: true");
  EXPECT_TRUE(WireHolds(acks, Segments(Seg("client", "FA", 100, 500) + Seg("server", "A", 500, 101)),
                        &observed));
  EXPECT_FALSE(WireHolds(acks, Segments(Seg("client", "FA", 100, 500) + Seg("server", "A", 500, 100)),
                         &observed));
}

TEST(WireChecks, CrossedFinsAreFinsThatAcknowledgeNoFin) {
  const v1::WireCheck client = Check("from: \"client\" flags: \"F\" before_peer_fin: true");
  const v1::WireCheck server = Check("from: \"server\" flags: \"F\" before_peer_fin: true");
  std::string observed;
  // Crossed: each FIN acknowledges only the other's data, not its FIN.
  const auto crossed = Segments(Seg("client", "FA", 100, 500) + Seg("server", "FA", 500, 100));
  EXPECT_TRUE(WireHolds(client, crossed, &observed));
  EXPECT_TRUE(WireHolds(server, crossed, &observed));
  EXPECT_THAT(observed, HasSubstr("does not acknowledge"));
  // In turn: the server's FIN acknowledges the client's (ack 101).
  const auto in_turn = Segments(Seg("client", "FA", 100, 500) + Seg("server", "FA", 500, 101));
  EXPECT_TRUE(WireHolds(client, in_turn, &observed));
  EXPECT_FALSE(WireHolds(server, in_turn, &observed));
  EXPECT_THAT(observed, HasSubstr("acknowledges it"));
}

// Segments no role could be assigned to leave a count unknown only when they
// could change whether it holds.
TEST(WireChecks, UnattributedSegmentsLeaveOnlyTheCountsTheyCouldChangeUnknown) {
  const auto segs = Segments(Seg("server", "R", 500, 0) + Seg("", "R", 500, 0) + Seg("", "F", 1, 0));
  EXPECT_EQ(CountUnattributed(Check("from: \"server\" flags: \"R\""), segs), 1);
  EXPECT_EQ(CountUnattributed(Check("from: \"client\" flags: \"F\""), segs), 1);
  EXPECT_TRUE(CountUndecided(Check("from: \"client\" flags: \"R\" count: 0"), 0, 1));
  EXPECT_TRUE(CountUndecided(Check("from: \"server\" flags: \"R\" max_count: 1"), 1, 1));
  EXPECT_TRUE(CountUndecided(Check("from: \"client\" flags: \"R\""), 0, 1));
  EXPECT_FALSE(CountUndecided(Check("from: \"server\" flags: \"R\""), 1, 1));
  EXPECT_FALSE(CountUndecided(Check("from: \"server\" flags: \"R\" count: 5"), 1, 1));
  EXPECT_FALSE(CountUndecided(Check("from: \"client\" flags: \"R\" count: 0"), 0, 0));
}

// A check the first such segment decides, or one anchored on another, is
// unknown when a segment no role was assigned to could be that segment.
TEST(WireChecks, UnattributedSegmentsLeaveFirstSegmentAndAnchoredChecksUnknown) {
  // The server's attributed FIN crosses the client's; an unattributed FIN
  // that acknowledges the client's FIN might be the server's first.
  const auto segs = Segments(Seg("client", "FA", 100, 500) + Seg("", "FA", 500, 101) +
                             Seg("server", "FA", 500, 100));
  const v1::WireCheck crossed = Check("from: \"server\" flags: \"F\" before_peer_fin: true");
  const v1::WireCheck acks = Check("from: \"server\" flags: \"F\" acks_peer_fin: true");
  EXPECT_EQ(SegmentsLeavingItUnknown(crossed, segs), 1);
  EXPECT_EQ(SegmentsLeavingItUnknown(acks, segs), 1);
  // An anchor no role was assigned to: "after client F" may begin elsewhere.
  const auto anchored = Segments(Seg("", "F", 100, 0) + Seg("client", "F", 100, 0) +
                                 Seg("server", "A", 500, 101));
  EXPECT_EQ(SegmentsLeavingItUnknown(
                Check("from: \"server\" flags: \"A\" after { from: \"client\" flags: \"F\" }"),
                anchored),
            1);
  // Nothing unattributed that could matter: decided.
  EXPECT_EQ(SegmentsLeavingItUnknown(crossed, Segments(Seg("client", "FA", 100, 500) +
                                                       Seg("server", "FA", 500, 100))),
            0);
  EXPECT_EQ(SegmentsLeavingItUnknown(Check("from: \"server\" flags: \"R\""), segs), 0);
}

}  // namespace
}  // namespace closeprobe::controller
