// Team routes: POST/GET /api/v1/events/{id}/teams and PATCH/DELETE
// /api/v1/events/{id}/teams/{team_id}.
#pragma once

#include "router.hpp"

namespace api {

void add_team_routes(Router& router);

}  // namespace api
