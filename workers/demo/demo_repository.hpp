// SQL of the demo loader: the lock that keeps two loaders from running at
// once, and whether the database holds any event yet.
#pragma once

#include <cstdint>

#include "db/connection.hpp"

namespace demo::demo_repo {

// A transaction-scoped advisory lock held until the loader's commit.
void lock(db::Tx& tx);

[[nodiscard]] std::int64_t event_count(db::Tx& tx);

}  // namespace demo::demo_repo
