// harness::HttpClient: a small libcurl client for end-to-end tests. Trusts the
// stack's self-signed certificate; one instance per thread. It can send from
// any local address (e.g. 127.0.0.5), so that nginx sees another client
// address and its per-address limits count separately.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace harness {

struct HttpResponse {
    long status = 0;                                  // 0 when the transfer failed
    std::string error;                                // curl's message when status is 0
    std::multimap<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string http_version;  // "1.1" or "2"

    [[nodiscard]] std::string header(const std::string& lower_name) const;
    [[nodiscard]] bool has_header(const std::string& lower_name) const {
        return headers.count(lower_name) > 0;
    }
};

class HttpClient {
  public:
    explicit HttpClient(std::string ca_file = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse request(const std::string& method, const std::string& url,
                         const std::string& body = {}, const std::vector<std::string>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));
    HttpResponse get(const std::string& url, const std::vector<std::string>& headers = {}) {
        return request("GET", url, {}, headers);
    }
    // Sends the following requests from this local address ("" = the
    // system's choice). Every 127.0.0.0/8 address works on Linux loopback.
    void set_source_address(std::string address) { source_address_ = std::move(address); }
    [[nodiscard]] const std::string& source_address() const noexcept { return source_address_; }

  private:
    void* curl_;
    std::string ca_file_;
    std::string source_address_;
};

}  // namespace harness
