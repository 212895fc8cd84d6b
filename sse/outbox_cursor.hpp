// sse::OutboxCursor: decides which outbox ids scoreline-sse may deliver, so
// that no committed row is skipped or sent twice and rows go out in id order,
// also when transactions commit out of id order (docs/sse.md, "Reading the
// outbox", has the argument in full). Pure; the OutboxReader feeds it.
//
// Outbox ids are drawn from a CACHE 1 sequence by transactions that already
// hold their transaction id (migration 0003's column default). A probe reads
// the sequence's last value L and only then takes a fresh transaction id N,
// the fence, which commits at once. Every row with id <= L was drawn before
// N existed, by a transaction whose id is below N. A later statement whose
// snapshot has xmin >= N sees none of those transactions running, so every
// row with id <= L is final: visible, or never to appear. This is PgQ's
// snapshot test (txid below the snapshot's xmin), applied to the writers of
// a range of ids rather than to the rows seen so far, which would let a row
// with a lower id commit after a higher one had been sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace sse {

struct Fence {
    std::int64_t last_id = 0;  // the sequence's last value when the fence was taken
    std::uint64_t xid = 0;     // the fence transaction's id (xid8)
};

class OutboxCursor {
  public:
    static constexpr std::size_t kMaxFences = 64;

    // False until the first fence was passed; the cursor then starts at that
    // fence's ids, so a fresh process does not resend history (clients ask
    // for it with Last-Event-ID).
    [[nodiscard]] bool positioned() const noexcept { return positioned_; }
    // Every row with id <= delivered() was handed to the fan-out (or never committed).
    [[nodiscard]] std::int64_t delivered() const noexcept { return delivered_; }
    // Every row with id <= final_id() is committed and visible, or never will be.
    [[nodiscard]] std::int64_t final_id() const noexcept { return final_; }
    // Rows in (delivered(), final_id()] are ready to be fetched.
    [[nodiscard]] bool behind() const noexcept { return positioned_ && final_ > delivered_; }
    // Fences taken and not yet passed: a probe soon will move final_id().
    [[nodiscard]] bool waiting() const noexcept { return !fences_.empty(); }

    // The argument of the next probe: it takes a fence only when the sequence
    // has passed this id (no transaction id is spent while nothing happens);
    // nullopt when no fence may be taken (too many outstanding).
    [[nodiscard]] std::optional<std::int64_t> fence_after() const noexcept;

    // The result of a probe: the xmin of the probe statement's snapshot and
    // the fence it took, if any. Returns true when final_id() moved.
    bool on_probe(std::uint64_t snapshot_xmin, std::optional<Fence> taken);
    // Rows up to `last_id` were delivered. `exhausted`: the fetch returned
    // fewer rows than asked, so nothing else is left up to final_id().
    void on_fetched(std::int64_t last_id, bool exhausted);
    // After a reconnect: fences taken on the old connection are dropped (the
    // positions stay; they remain true).
    void forget_fences() noexcept { fences_.clear(); }

  private:
    bool positioned_ = false;
    std::int64_t delivered_ = 0;
    std::int64_t final_ = 0;
    std::deque<Fence> fences_;
};

}  // namespace sse
