// Fault injection with nftables (libnftables). The agent owns one table,
// "inet closeprobe_<pid>"; each fault is a pair of base chains in it (input
// and output hooks), so removing a fault is deleting its chains, and
// removing the table removes everything. Tables of agents that died without
// cleaning up are removed when the next agent starts.
// An agent on the wire between a sandbox and its peer (a bridge) uses a
// "bridge" table instead: both chains hook the bridge's forward path, and
// the peer's address tells the directions apart. An outgoing drop then
// never reaches the peer's side of the bridge, and an incoming one is seen
// there but never delivered, as with the input and output hooks.
#include <nftables/libnftables.h>
#include <signal.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "agent/linux/platform_linux.h"

namespace closeprobe::agent {
namespace {

constexpr char kTablePrefix[] = "closeprobe_";

// "A" -> "ack", "FA" -> "fin | ack": the nft form of an exact flag set.
absl::StatusOr<std::string> NftFlags(const std::string& letters) {
  std::vector<std::string> names;
  for (char c : letters) {
    switch (c) {
      case 'S': names.push_back("syn"); break;
      case 'F': names.push_back("fin"); break;
      case 'R': names.push_back("rst"); break;
      case 'A': names.push_back("ack"); break;
      default:
        return absl::InvalidArgumentError(
            absl::StrCat("exact_flags: '", std::string(1, c), "' is not one of S F R A"));
    }
  }
  return absl::StrJoin(names, " | ");
}

bool IsAddress(const std::string& a) {
  if (a.empty()) return false;
  for (char c : a) {
    if (!(isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':')) return false;
  }
  return true;
}

class NftablesFaultInjector final : public FaultInjector {
 public:
  explicit NftablesFaultInjector(bool bridge)
      : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)),
        family_(bridge ? "bridge" : "inet"),
        table_(absl::StrCat(kTablePrefix, getpid())) {
    nft_ctx_buffer_output(ctx_);
    nft_ctx_buffer_error(ctx_);
    RemoveStaleTables();
  }

  ~NftablesFaultInjector() override {
    absl::MutexLock lock(&mu_);
    if (created_) Run(absl::StrCat("delete table " + family_ + " ", table_)).IgnoreError();
    nft_ctx_free(ctx_);
  }

  absl::StatusOr<int> Add(const FaultRule& rule) override {
    if (!IsAddress(rule.peer_address)) {
      return absl::InvalidArgumentError(
          absl::StrCat("peer_address '", rule.peer_address, "' is not a numeric address"));
    }
    if (rule.first_port == 0 || rule.last_port < rule.first_port) {
      return absl::InvalidArgumentError("a fault needs 0 < first_port <= last_port");
    }
    std::string match;
    if (!rule.exact_flags.empty()) {
      absl::StatusOr<std::string> flags = NftFlags(rule.exact_flags);
      if (!flags.ok()) return flags.status();
      match = absl::StrCat(" tcp flags & (fin | syn | rst | ack) == ", *flags);
    }
    const std::string ip = rule.peer_address.find(':') != std::string::npos ? "ip6" : "ip";
    const std::string ports = absl::StrCat(rule.first_port, "-", rule.last_port);
    absl::MutexLock lock(&mu_);
    const int id = next_id_++;
    std::ostringstream cmd;
    cmd << "add table " << family_ << " " << table_ << "\n";
    for (const char* hook : {"input", "output"}) {
      const bool out = std::string(hook) == "output";
      if ((out && rule.direction == FaultDirection::kIncoming) ||
          (!out && rule.direction == FaultDirection::kOutgoing)) {
        continue;
      }
      const std::string chain = absl::StrCat("f", id, "_", hook);
      const std::string peer = absl::StrCat(ip, out ? " daddr " : " saddr ", rule.peer_address);
      const std::string on = family_ == "bridge" ? "forward" : hook;
      cmd << "add chain " << family_ << " " << table_ << " " << chain << " { type filter hook "
          << on << " priority -150; policy accept; }\n";
      for (const char* port : {"sport", "dport"}) {
        cmd << "add rule " << family_ << " " << table_ << " " << chain << " " << peer
            << " tcp " << port << " " << ports << match
            << (out ? absl::StrCat(" meta mark != ", kInjectedPacketMark) : "") << " drop\n";
      }
    }
    absl::Status s = Run(cmd.str());
    if (!s.ok()) return s;
    created_ = true;
    faults_.insert(id);
    return id;
  }

  absl::Status Remove(int id) override {
    absl::MutexLock lock(&mu_);
    if (faults_.erase(id) == 0) {
      return absl::NotFoundError(absl::StrCat("fault ", id, " is not installed"));
    }
    std::ostringstream cmd;
    for (const char* hook : {"input", "output"}) {
      // A fault may have only one of its chains; "destroy" does not exist in
      // this nft, so list first.
      const std::string chain = absl::StrCat("f", id, "_", hook);
      if (Run(absl::StrCat("list chain ", family_, " ", table_, " ", chain)).ok()) {
        cmd << "delete chain " << family_ << " " << table_ << " " << chain << "\n";
      }
    }
    // The last fault gone, the table goes too: nothing of the agent stays.
    if (faults_.empty()) {
      cmd.str("");
      cmd << "delete table " + family_ + " " << table_ << "\n";
      created_ = false;
    }
    return cmd.str().empty() ? absl::OkStatus() : Run(cmd.str());
  }

 private:
  // REQUIRES: mu_ held, or called from the constructor.
  absl::Status Run(const std::string& cmd) {
    if (nft_run_cmd_from_buffer(ctx_, cmd.c_str()) != 0) {
      return absl::UnavailableError(
          absl::StrCat("nftables: ", nft_ctx_get_error_buffer(ctx_), " (command: ", cmd, ")"));
    }
    return absl::OkStatus();
  }

  void RemoveStaleTables() {
    if (!Run("list tables " + family_).ok()) return;
    std::istringstream lines(nft_ctx_get_output_buffer(ctx_));
    std::string word, family, name;
    while (lines >> word >> family >> name) {
      int pid = 0;
      if (name.rfind(kTablePrefix, 0) != 0 ||
          !absl::SimpleAtoi(name.substr(sizeof(kTablePrefix) - 1), &pid)) {
        continue;
      }
      if (pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) {
        Run(absl::StrCat("delete table " + family_ + " ", name)).IgnoreError();
      }
    }
  }

  absl::Mutex mu_;
  nft_ctx* const ctx_;
  const std::string family_;  // "inet", or "bridge" on the wire
  const std::string table_;
  bool created_ ABSL_GUARDED_BY(mu_) = false;
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::set<int> faults_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<FaultInjector> NewNftablesFaultInjector(bool bridge) {
  return std::make_unique<NftablesFaultInjector>(bridge);
}

}  // namespace closeprobe::agent
