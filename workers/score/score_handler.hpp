// Score routes: PUT /api/v1/games/{id}/score (If-Match required) and
// POST /api/v1/games/{id}/corrections.
#pragma once

#include "router.hpp"

namespace api {

void add_score_routes(Router& router);

}  // namespace api
