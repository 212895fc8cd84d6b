// api::build_router: every route of scoreline-api, in one place.
#pragma once

#include "router.hpp"

namespace api {

[[nodiscard]] Router build_router();

}  // namespace api
