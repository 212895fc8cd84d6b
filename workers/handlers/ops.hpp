// Operational routes: /healthz, /readyz, /api/v1/version, and (in test builds
// only, SCORELINE_TEST_ROUTES) /api/v1/_test/* used by the test suite to make
// slow, failing and echoing requests, and requests that run slow statements.
#pragma once

#include "router.hpp"

namespace api {

void add_ops_routes(Router& router);

}  // namespace api
