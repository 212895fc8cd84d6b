// accounts::Call: what every account operation needs from its caller — the
// database connection, the runtime (keys, hasher, policies), where the request
// came from (for the audit log) and how often to retry a transaction that hit
// a serialization failure. Handlers build it with call_of(ctx); the admin CLI
// fills it by hand.
#pragma once

#include "accounts/auth_runtime.hpp"
#include "audit/audit_repository.hpp"
#include "db/connection.hpp"

namespace accounts {

struct Call {
    db::Connection& db;
    const AuthRuntime& auth;
    audit::Origin origin;
    int attempts = 3;
};

}  // namespace accounts
