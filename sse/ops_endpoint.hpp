// sse::OpsEndpoint: scoreline-sse's own /healthz and /metrics, on a separate
// loopback TCP port (SCORELINE_SSE_METRICS_LISTEN) and the same epoll loop.
// One request per connection, answered and closed; at most 64 connections,
// each given 5 s. Loop thread only.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>

#include "config.hpp"
#include "http_parser.hpp"
#include "loop.hpp"

namespace sse {

class OpsEndpoint {
  public:
    using Render = std::function<std::string()>;

    // `metrics`: Prometheus text; `health`: the JSON body of /healthz.
    OpsEndpoint(Loop& loop, config::ListenAddress address, HttpLimits limits, Render metrics,
                Render health);
    ~OpsEndpoint();
    OpsEndpoint(const OpsEndpoint&) = delete;
    OpsEndpoint& operator=(const OpsEndpoint&) = delete;

    // Binds and listens; throws std::runtime_error.
    void start();
    void stop();

  private:
    struct Connection {
        HttpRequestParser parser;
        std::string out;
        std::size_t offset = 0;
        Loop::TimerId timer = 0;
    };
    void on_accept();
    void on_event(int fd, std::uint32_t events);
    void respond(int fd, Connection& c);
    void write_out(int fd, Connection& c);
    void drop(int fd);

    Loop& loop_;
    config::ListenAddress address_;
    HttpLimits limits_;
    Render metrics_;
    Render health_;
    int listen_fd_ = -1;
    std::unordered_map<int, Connection> conns_;
};

}  // namespace sse
