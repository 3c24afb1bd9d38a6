#include "agent/handle_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace closeprobe::agent {

absl::StatusOr<std::string> HandleTable::Add(NativeSocket native) {
  absl::MutexLock lock(&mu_);
  int open = 0;
  for (const auto& [name, record] : records_) open += record->closed() ? 0 : 1;
  if (open >= max_open_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the session already holds ", open, " open sockets (limit ", max_open_, ")"));
  }
  std::string handle = absl::StrCat("h", next_id_++);
  auto record = std::make_shared<SocketRecord>();
  record->native = native;
  records_[handle] = std::move(record);
  return handle;
}

absl::StatusOr<std::shared_ptr<SocketRecord>> HandleTable::Get(
    const std::string& handle) const {
  absl::MutexLock lock(&mu_);
  auto it = records_.find(handle);
  if (it == records_.end()) {
    return absl::NotFoundError(
        absl::StrCat("handle '", handle, "' does not exist in this session"));
  }
  return it->second;
}

std::vector<NativeSocket> HandleTable::TakeAllOpen() {
  absl::MutexLock lock(&mu_);
  std::vector<NativeSocket> open;
  for (auto& [name, record] : records_) {
    if (record->closed()) continue;
    open.push_back(record->native);
    record->native = kNoSocket;
  }
  return open;
}

int HandleTable::OpenCount() const {
  absl::MutexLock lock(&mu_);
  int open = 0;
  for (const auto& [name, record] : records_) open += record->closed() ? 0 : 1;
  return open;
}

}  // namespace closeprobe::agent
