// The Prometheus server of end-to-end tests; see prometheus.hpp.
#include "prometheus.hpp"

#include <signal.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "http_client.hpp"

namespace harness {
namespace {

constexpr const char* kBinary = "/usr/bin/prometheus";

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string render_config(const std::vector<ScrapeTarget>& targets) {
    std::string y =
        "global:\n"
        "  scrape_interval: 1s\n"
        "  scrape_timeout: 1s\n"
        "  evaluation_interval: 1s\n"
        "scrape_configs:\n";
    for (const auto& t : targets) {
        y += "  - job_name: " + t.job + "\n";
        y += "    scheme: " + t.scheme + "\n";
        y += "    metrics_path: " + t.metrics_path + "\n";
        if (t.insecure_skip_verify) {
            y += "    tls_config:\n      insecure_skip_verify: true\n";
        }
        y += "    static_configs:\n      - targets: ['" + t.address + "']\n";
    }
    return y;
}

}  // namespace

Prometheus::Prometheus(const std::vector<ScrapeTarget>& targets, std::chrono::seconds ready_timeout)
    : dir_(std::make_unique<TempDir>("prometheus")) {
    if (!std::filesystem::exists(kBinary)) {
        throw std::runtime_error(
            std::string(kBinary) +
            " is missing: apt-get install prometheus (scripts/install-deps.sh)");
    }
    write_file(dir_->path() + "/prometheus.yml", render_config(targets));
    std::filesystem::create_directories(dir_->path() + "/data");
    port_ = free_port();
    process_ = std::make_unique<Process>(
        std::vector<std::string>{kBinary, "--config.file=" + dir_->path() + "/prometheus.yml",
                                 "--storage.tsdb.path=" + dir_->path() + "/data",
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--log.level=warn"},
        SpawnOptions{
            {}, std::nullopt, dir_->path() + "/prometheus.log", dir_->path() + "/prometheus.log"});
    HttpClient client;
    if (!wait_until(
            [&] {
                return !process_->running() ||
                       client.request("GET", url("/-/ready"), {}, {}, std::chrono::seconds(2))
                               .status == 200;
            },
            ready_timeout) ||
        !process_->running()) {
        throw std::runtime_error("prometheus did not become ready: " + log());
    }
}

Prometheus::~Prometheus() {
    if (process_ && process_->running()) {
        process_->signal(SIGTERM);
        (void)process_->wait(std::chrono::seconds(10));  // else ~Process kills it
    }
}

std::string Prometheus::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

nlohmann::json Prometheus::query(const std::string& promql) {
    HttpClient client;
    const HttpResponse r = client.request("GET", url("/api/v1/query?query=" + url_encode(promql)),
                                          {}, {}, std::chrono::seconds(5));
    const auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || !body.is_object() || body.value("status", "") != "success" ||
        !body["data"]["result"].is_array()) {
        last_error_ = "HTTP " + std::to_string(r.status) + " " + r.error + " " + r.body;
        return nlohmann::json::array();
    }
    last_error_.clear();
    return body["data"]["result"];
}

double Prometheus::value(const std::string& promql) {
    const nlohmann::json result = query(promql);
    if (result.empty() || !result[0].contains("value")) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    // [ <unix time>, "<value>" ]; Prometheus writes NaN and ±Inf as text too.
    return std::stod(result[0]["value"][1].get<std::string>());
}

std::string Prometheus::config() const {
    return read_file(dir_->path() + "/prometheus.yml");
}

std::string Prometheus::log() const {
    return read_file(dir_->path() + "/prometheus.log");
}

}  // namespace harness
