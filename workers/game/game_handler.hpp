// Game routes: POST /api/v1/events/{id}/schedule, POST/GET
// /api/v1/events/{id}/games, GET/PATCH /api/v1/games/{id} and GET
// /api/v1/games/{id}/history.
#pragma once

#include "router.hpp"

namespace api {

void add_game_routes(Router& router);

}  // namespace api
