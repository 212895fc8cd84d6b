// The admin routes of integrity alerts (issue 15, docs/integrity.md "The
// API"): GET /api/v1/admin/alerts, GET /api/v1/admin/alerts/export,
// GET and PATCH /api/v1/admin/alerts/{id}. Admins only. Handler layer.
#pragma once

#include "router.hpp"

namespace api {

void add_alert_routes(Router& router);

}  // namespace api
