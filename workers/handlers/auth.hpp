// Account routes: POST /api/v1/auth/{register, login, refresh, logout,
// logout-all, password-reset, password-reset/confirm} and GET /api/v1/me.
// Each handler parses and validates the body, calls one accounts:: function
// and maps its result to the response; tokens are never logged.
#pragma once

#include "router.hpp"

namespace api {

void add_auth_routes(Router& router);

}  // namespace api
