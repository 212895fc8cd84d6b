// GET /api/v1/events/{id}/standings: the stored table with its version as
// ETag; If-None-Match with that tag answers 304.
#pragma once

#include "router.hpp"

namespace api {

void add_standings_routes(Router& router);

}  // namespace api
