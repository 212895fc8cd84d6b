// SQL of the demo loader; see demo_repository.hpp.
#include "demo/demo_repository.hpp"

namespace demo::demo_repo {
namespace {

// An arbitrary key of Scoreline's own ("demo" in ASCII).
constexpr db::Statement kLock{"demo_lock", "SELECT pg_advisory_xact_lock(1684368751)"};
constexpr db::Statement kEventCount{"demo_event_count", "SELECT count(*) FROM events"};

}  // namespace

void lock(db::Tx& tx) {
    (void)tx.exec(kLock);
}

std::int64_t event_count(db::Tx& tx) {
    return tx.exec(kEventCount).get<std::int64_t>(0, 0);
}

}  // namespace demo::demo_repo
