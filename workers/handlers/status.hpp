// GET /status: the pool's status page at php-fpm parity (pool, process
// manager, start time, accepted conn, listen queue, idle and active
// processes, max children reached, slow requests …) and beyond: per-worker
// state with ?full (current route and request id, requests served, RSS) and
// the health of the resources the pool depends on (database round trip and
// schema version, free disk of the data and log folders, memory, open fds).
// Formats: php-fpm's `key: value` text by default, ?json, ?openmetrics;
// ?full combines with the first two. docs/observability.md lists every field.
#pragma once

#include "context.hpp"
#include "http/message.hpp"

namespace api {

[[nodiscard]] http::Response status_page(Context& ctx);

}  // namespace api
