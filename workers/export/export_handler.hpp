// GET /api/v1/events/{id}/export?format=csv|json: the event's games and
// results as a file download (Content-Disposition: attachment).
#pragma once

#include "router.hpp"

namespace api {

void add_export_routes(Router& router);

}  // namespace api
