#include "agent/held_socket.h"

#include <utility>

namespace closeprobe::agent {

HeldSocket::HeldSocket(SocketApi& backend, std::shared_ptr<SocketRecord> record)
    : backend_(backend), record_(std::move(record)), original_(record_->native) {
  if (backend_.Dup(original_, &copy_).ret < 0) copy_ = kNoSocket;
  if (copy_ == kNoSocket) record_->uncopied_waiters.fetch_add(1);
}

HeldSocket::~HeldSocket() {
  // The copy's close is the socket's last when the handle was closed
  // meanwhile: the socket's own close then happens here, as in the kernel.
  if (copy_ != kNoSocket) {
    backend_.Close(copy_);
  } else {
    record_->uncopied_waiters.fetch_sub(1);
  }
}

absl::Status HeldSocket::CloseRefused(const SocketRecord& record) {
  if (record.uncopied_waiters.load() == 0) return absl::OkStatus();
  return absl::UnimplementedError(
      "closing a socket while another call of the case waits on it needs dup(), which this "
      "stack lacks: the waiting call would be left on a freed socket (wake it with shutdown "
      "instead, or close after the join)");
}

}  // namespace closeprobe::agent
