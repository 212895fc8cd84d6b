// harness::Prometheus: a real Prometheus server (Debian's `prometheus`) on a
// free loopback port for end-to-end tests of what the stack exports. It
// writes a configuration scraping the given targets every second (one job
// each), keeps its TSDB in a temp folder, waits for /-/ready and answers
// PromQL queries through the HTTP API. SIGTERM at destruction.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process.hpp"

namespace harness {

struct ScrapeTarget {
    std::string job;              // job label: scoreline-api, scoreline-sse
    std::string address;          // HOST:PORT
    std::string scheme = "http";  // http or https
    std::string metrics_path = "/metrics";
    bool insecure_skip_verify = false;  // https with the stack's self-signed certificate
};

class Prometheus {
  public:
    // Throws std::runtime_error when prometheus is missing or not ready in `ready_timeout`.
    explicit Prometheus(const std::vector<ScrapeTarget>& targets,
                        std::chrono::seconds ready_timeout = std::chrono::seconds(30));
    ~Prometheus();
    Prometheus(const Prometheus&) = delete;
    Prometheus& operator=(const Prometheus&) = delete;

    [[nodiscard]] int port() const noexcept { return port_; }
    [[nodiscard]] std::string url(const std::string& path) const;
    // GET /api/v1/query?query=PROMQL: the `data.result` array of an instant
    // vector (empty when the query failed; the error is in last_error()).
    [[nodiscard]] nlohmann::json query(const std::string& promql);
    // The value of the first sample of query(promql), or NaN when it has none.
    [[nodiscard]] double value(const std::string& promql);
    [[nodiscard]] const std::string& last_error() const noexcept { return last_error_; }
    [[nodiscard]] std::string config() const;
    [[nodiscard]] std::string log() const;

  private:
    std::unique_ptr<TempDir> dir_;
    int port_ = 0;
    std::unique_ptr<Process> process_;
    std::string last_error_;
};

}  // namespace harness
