#include "agent/injection_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testutil/status_matchers.h"

namespace closeprobe::agent {
namespace {

using ::closeprobe::testing::IsOk;
using ::closeprobe::testing::StatusIs;
using ::testing::HasSubstr;

const Endpoint kClient{"198.18.1.2", 40000};
const Endpoint kServer{"198.18.1.1", 20000};

CapturedSegment Seg(const Endpoint& src, const Endpoint& dst, const std::string& flags,
                    uint32_t seq, uint32_t ack, uint32_t length, uint32_t window,
                    int wscale = -1, uint32_t tsval = 0) {
  CapturedSegment s;
  s.src = src;
  s.dst = dst;
  s.flags = flags;
  s.seq = seq;
  s.ack = ack;
  s.length = length;
  s.window = window;
  s.window_scale = wscale;
  s.has_timestamp = tsval != 0;
  s.ts_value = tsval;
  return s;
}

// A handshake with window scaling and timestamps, 10 bytes each way, and the
// client's FIN.
std::vector<CapturedSegment> Connection() {
  return {Seg(kClient, kServer, "S", 1000, 0, 0, 64240, 7, 500),
          Seg(kServer, kClient, "SA", 5000, 1001, 0, 65160, 7, 900),
          Seg(kClient, kServer, "A", 1001, 5001, 0, 502, -1, 501),
          Seg(kClient, kServer, "PA", 1001, 5001, 10, 502, -1, 502),
          Seg(kServer, kClient, "PA", 5001, 1011, 10, 509, -1, 903),
          Seg(kClient, kServer, "FA", 1011, 5011, 0, 502, -1, 504),
          Seg(kServer, kClient, "A", 5011, 1012, 0, 510, -1, 905)};
}

v1::InjectRequest FromClient(const std::string& flags) {
  v1::InjectRequest r;
  r.mutable_from()->set_address(kClient.address);
  r.mutable_to()->set_address(kServer.address);
  r.mutable_to()->set_port(kServer.port);
  r.set_flags(flags);
  return r;
}

TEST(InjectionResolver, NextNumbersCountPayloadSynAndFin) {
  v1::InjectRequest r = FromClient("A");
  r.mutable_seq()->set_offset(-1);
  absl::StatusOr<ResolvedInjection> got = ResolveInjection(Connection(), r);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.src_port, 40000);  // port 0 found the one connection
  EXPECT_EQ(got->fields.dst_address, "198.18.1.1");
  EXPECT_EQ(got->fields.seq, 1011u);  // after 10 bytes and the FIN (1012), minus one
  EXPECT_EQ(got->fields.ack, 5011u);
  EXPECT_EQ(got->fields.window, 502);  // the client's last
  EXPECT_THAT(got->how, HasSubstr("seq = 198.18.1.2:40000 next 1012 - 1"));
}

TEST(InjectionResolver, WindowEdgeIsScaledOnceBothSynsOfferedIt) {
  v1::InjectRequest r = FromClient("R");
  r.mutable_seq()->set_base(v1::SEQUENCE_BASE_RECEIVER_WINDOW_EDGE);
  absl::StatusOr<ResolvedInjection> got = ResolveInjection(Connection(), r);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.seq, 1012u + (510u << 7));
  EXPECT_EQ(got->fields.ack, 0u);  // no A flag
  std::vector<CapturedSegment> unscaled = Connection();
  unscaled[0].window_scale = -1;  // the client offered no scaling
  got = ResolveInjection(unscaled, r);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.seq, 1012u + 510u);
}

TEST(InjectionResolver, TimestampsFollowTheSenderUnlessChosen) {
  v1::InjectRequest r = FromClient("A");
  absl::StatusOr<ResolvedInjection> got = ResolveInjection(Connection(), r);
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->fields.timestamp.has_value());
  EXPECT_EQ(got->fields.timestamp->value, 505u);
  EXPECT_EQ(got->fields.timestamp->echo, 905u);
  r.mutable_timestamp()->set_value_offset(-100);
  got = ResolveInjection(Connection(), r);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.timestamp->value, 404u);
  r.mutable_timestamp()->set_value(7);
  r.mutable_timestamp()->set_echo(8);
  got = ResolveInjection(Connection(), r);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.timestamp->value, 7u);
  EXPECT_EQ(got->fields.timestamp->echo, 8u);
  r.clear_timestamp();
  r.set_omit_timestamp(true);
  got = ResolveInjection(Connection(), r);
  ASSERT_THAT(got, IsOk());
  EXPECT_FALSE(got->fields.timestamp.has_value());
}

TEST(InjectionResolver, ANewSynStartsTheNumbersAgain) {
  std::vector<CapturedSegment> seen = Connection();
  seen.push_back(Seg(kClient, kServer, "S", 90000, 0, 0, 64240));
  absl::StatusOr<ResolvedInjection> got = ResolveInjection(seen, FromClient("R"));
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.seq, 90001u);
  EXPECT_FALSE(got->fields.timestamp.has_value());  // the new SYN carried none
}

TEST(InjectionResolver, ARawPeersSynNeedsOnlyItsOwnNumbers) {
  v1::InjectRequest r = FromClient("S");
  r.mutable_from()->set_port(kClient.port);
  r.mutable_seq()->set_base(v1::SEQUENCE_BASE_ZERO);
  r.mutable_seq()->set_offset(77);
  r.set_window(1000);
  absl::StatusOr<ResolvedInjection> got = ResolveInjection({}, r);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->fields.seq, 77u);
  EXPECT_EQ(got->fields.src_port, 40000);
  EXPECT_FALSE(got->fields.timestamp.has_value());
  r.clear_window();
  EXPECT_THAT(ResolveInjection({}, r),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("window")));
}

TEST(InjectionResolver, WhatCannotBeResolvedIsAnErrorNotAGuess) {
  std::vector<CapturedSegment> only_client = {Seg(kClient, kServer, "S", 1000, 0, 0, 64240)};
  EXPECT_THAT(ResolveInjection(only_client, FromClient("RA")),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("ack: the capture has seen nothing from 198.18.1.1:20000")));
  v1::InjectRequest ts = FromClient("R");
  ts.mutable_timestamp()->set_value_offset(1);
  EXPECT_THAT(ResolveInjection(only_client, ts),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("TSval")));
  EXPECT_THAT(ResolveInjection({}, FromClient("R")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no segment between")));
  std::vector<CapturedSegment> two = Connection();
  two.push_back(Seg(Endpoint{kClient.address, 40001}, kServer, "S", 7, 0, 0, 64240));
  EXPECT_THAT(ResolveInjection(two, FromClient("R")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("2 connections")));
}

}  // namespace
}  // namespace closeprobe::agent
