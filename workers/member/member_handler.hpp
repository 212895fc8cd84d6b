// Member routes: POST/GET /api/v1/events/{id}/members and DELETE
// /api/v1/events/{id}/members/{user_id}.
#pragma once

#include "router.hpp"

namespace api {

void add_member_routes(Router& router);

}  // namespace api
