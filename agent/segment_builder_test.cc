#include "agent/segment_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "agent/segment_decoder.h"
#include "tests/testutil/status_matchers.h"

namespace closeprobe::agent {
namespace {

using ::closeprobe::testing::IsOk;
using ::closeprobe::testing::StatusIs;
using ::testing::HasSubstr;

const uint8_t* Bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TcpSegmentFields Rst() {
  TcpSegmentFields f;
  f.src_address = "198.18.1.2";
  f.dst_address = "198.18.1.1";
  f.src_port = 40000;
  f.dst_port = 20000;
  f.seq = 0x01020304;
  f.ack = 0xa0b0c0d0;
  f.flags = "RA";
  f.window = 502;
  return f;
}

TEST(InternetChecksum, MatchesRfc1071Example) {
  // RFC 1071 section 3: these bytes sum to 0xddf2; the checksum is its complement.
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(InternetChecksum(data, sizeof(data)), 0x220d);
  const uint8_t odd[] = {0x00, 0x01, 0xf2};  // an odd byte is padded with zero
  EXPECT_EQ(InternetChecksum(odd, sizeof(odd)), static_cast<uint16_t>(~(0x0001 + 0xf200)));
}

TEST(SegmentBuilder, MatchesAPacketTcpdumpVerified) {
  // Built once and checked with `tcpdump -vv` on a raw-IP pcap of it:
  // "Flags [R.], cksum 0xcfca (correct)", and no bad IP checksum.
  absl::StatusOr<std::string> p = BuildIpv4TcpPacket(Rst());
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(absl::BytesToHexString(*p),
            "45000028000040004006" "aca8" "c6120102c6120101"
            "9c404e2001020304a0b0c0d0501401f6" "cfca" "0000");
}

TEST(SegmentBuilder, ChecksumsSumToZeroOverHeaderAndPseudoHeader) {
  TcpSegmentFields f = Rst();
  f.payload = "odd";
  f.timestamp = TcpTimestampOption{7, 9};
  absl::StatusOr<std::string> p = BuildIpv4TcpPacket(f);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(InternetChecksum(Bytes(*p), 20), 0);
  const size_t tcp_length = p->size() - 20;
  const uint32_t pseudo = 0xc612 + 0x0102 + 0xc612 + 0x0101 + 6 + static_cast<uint32_t>(tcp_length);
  EXPECT_EQ(InternetChecksum(Bytes(*p) + 20, tcp_length, pseudo), 0);
}

TEST(SegmentBuilder, FieldsSitAtTheirOffsets) {
  TcpSegmentFields f = Rst();
  f.payload = "hello";
  absl::StatusOr<std::string> p = BuildIpv4TcpPacket(f);
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->size(), 20u + 20u + 5u);
  CapturedSegment s;
  ASSERT_TRUE(DecodeIpTcp(Bytes(*p), p->size(), 0x0800, &s));
  EXPECT_EQ(s.src.address, "198.18.1.2");
  EXPECT_EQ(s.dst.address, "198.18.1.1");
  EXPECT_EQ(s.src.port, 40000);
  EXPECT_EQ(s.dst.port, 20000);
  EXPECT_EQ(s.seq, 0x01020304u);
  EXPECT_EQ(s.ack, 0xa0b0c0d0u);
  EXPECT_EQ(s.flags, "RA");
  EXPECT_EQ(s.window, 502u);
  EXPECT_EQ(s.length, 5u);
  EXPECT_EQ(p->substr(40), "hello");
  EXPECT_EQ(s.window_scale, -1);
  EXPECT_FALSE(s.has_timestamp);
}

TEST(SegmentBuilder, OptionsArePaddedAndDecodable) {
  TcpSegmentFields f = Rst();
  f.flags = "S";
  f.mss = 1460;
  f.window_scale = 7;
  f.sack_permitted = true;
  f.timestamp = TcpTimestampOption{0x11223344, 0x55667788};
  absl::StatusOr<std::string> p = BuildIpv4TcpPacket(f);
  ASSERT_THAT(p, IsOk());
  // MSS 4 + window scale 4 (NOP-led) + SACK-permitted 4 (NOPs) + timestamps 12.
  EXPECT_EQ(p->size(), 20u + 20u + 24u);
  EXPECT_EQ(static_cast<uint8_t>((*p)[32]) >> 4, 11);  // data offset in words
  EXPECT_EQ(absl::BytesToHexString(p->substr(40)),
            "020405b4" "01030307" "01010402" "0101080a1122334455667788");
  CapturedSegment s;
  ASSERT_TRUE(DecodeIpTcp(Bytes(*p), p->size(), 0x0800, &s));
  EXPECT_EQ(s.window_scale, 7);
  EXPECT_TRUE(s.has_timestamp);
  EXPECT_EQ(s.ts_value, 0x11223344u);
  EXPECT_EQ(s.ts_echo, 0x55667788u);
  EXPECT_EQ(s.length, 0u);
}

TEST(SegmentBuilder, RejectsWhatItCannotBuild) {
  TcpSegmentFields f = Rst();
  f.flags = "RX";
  EXPECT_THAT(BuildIpv4TcpPacket(f), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'X'")));
  f = Rst();
  f.dst_address = "fd00::1";
  EXPECT_THAT(BuildIpv4TcpPacket(f), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("IPv4")));
  f = Rst();
  f.payload.assign(1500, 'x');
  EXPECT_THAT(BuildIpv4TcpPacket(f), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("1500")));
}

}  // namespace
}  // namespace closeprobe::agent
