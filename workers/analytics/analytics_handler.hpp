// POST /api/v1/analytics/ask (issue 16, docs/analytics.md): {question,
// event_id?} -> 200 {interpretation, columns, rows, answer}, or 422 with what
// was understood and three suggestions. Anyone may ask, anonymous too.
#pragma once

#include "router.hpp"

namespace api {

void add_analytics_routes(Router& router);

}  // namespace api
