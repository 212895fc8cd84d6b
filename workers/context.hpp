// api::Context: what a handler gets for one request — the request, the
// worker's database connection (opened on demand), the configuration and,
// once accounts::authenticate() ran, the authenticated actor.
#pragma once

#include <optional>

#include "api_config.hpp"
#include "authz.hpp"
#include "db/connection.hpp"
#include "http/message.hpp"

namespace api {

// The worker's one database connection. get() (re)connects when there is no
// usable connection (one that died while idle included: db::Connection::alive)
// and throws db::ConnectionLost when the server is away.
class Database {
  public:
    explicit Database(db::ConnectionOptions options) : options_(std::move(options)) {}
    [[nodiscard]] db::Connection& get();
    // Called after ConnectionLost so the next get() reconnects.
    void mark_broken() noexcept { broken_ = true; }

  private:
    db::ConnectionOptions options_;
    std::optional<db::Connection> conn_;
    bool broken_ = false;
};

struct Context {
    http::Request& req;
    Database& database;
    const ApiConfig& config;
    // Set by accounts::authenticate() from the Bearer token; empty = anonymous.
    std::optional<authz::Actor> actor{};

    [[nodiscard]] db::Connection& db() { return database.get(); }
};

}  // namespace api
