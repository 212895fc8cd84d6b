// The one mapping from domain refusals to HTTP: every domain::Refusal a
// service or repository throws becomes the problem+json answer here (status,
// detail, errors[], and the ETag, Retry-After or WWW-Authenticate header the
// refusal calls for). Called by the worker's request loop (worker.cpp) for
// whatever escaped a handler; any thread.
#pragma once

#include "domain/refusal.hpp"
#include "http/problem.hpp"

namespace api {

[[nodiscard]] http::Problem to_problem(const domain::Refusal& refusal);

}  // namespace api
