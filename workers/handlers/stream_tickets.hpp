// POST /api/v1/stream-tickets: short-lived tickets for private streams of
// scoreline-sse (issue 6; the format is sse/stream_ticket.hpp).
#pragma once

#include "router.hpp"

namespace api {

void add_stream_ticket_routes(Router& router);

}  // namespace api
