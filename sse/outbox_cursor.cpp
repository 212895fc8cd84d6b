// Delivery horizon of the outbox; see outbox_cursor.hpp.
#include "outbox_cursor.hpp"

#include <algorithm>

namespace sse {

std::optional<std::int64_t> OutboxCursor::fence_after() const noexcept {
    if (fences_.size() >= kMaxFences) {
        return std::nullopt;
    }
    if (!fences_.empty()) {
        return fences_.back().last_id;
    }
    return positioned_ ? final_ : -1;
}

bool OutboxCursor::on_probe(std::uint64_t snapshot_xmin, std::optional<Fence> taken) {
    const std::int64_t before = final_;
    bool passed = false;
    // Fences are in the order they were taken; xids grow with them.
    while (!fences_.empty() && fences_.front().xid <= snapshot_xmin) {
        final_ = std::max(final_, fences_.front().last_id);
        fences_.pop_front();
        passed = true;
    }
    if (passed && !positioned_) {
        positioned_ = true;
        delivered_ = final_;
    }
    if (taken && fences_.size() < kMaxFences) {
        fences_.push_back(*taken);
    }
    return final_ != before;
}

void OutboxCursor::on_fetched(std::int64_t last_id, bool exhausted) {
    if (exhausted) {
        delivered_ = final_;
    } else {
        delivered_ = std::max(delivered_, std::min(last_id, final_));
    }
}

}  // namespace sse
