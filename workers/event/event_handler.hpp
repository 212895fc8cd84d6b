// Event routes: POST/GET /api/v1/events, GET/PATCH/DELETE /api/v1/events/{id}.
// Parse and check the input, call one tournament:: service, shape the answer.
#pragma once

#include "router.hpp"

namespace api {

void add_event_routes(Router& router);

}  // namespace api
