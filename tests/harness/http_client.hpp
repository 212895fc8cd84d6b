// harness::HttpClient: a small libcurl client for end-to-end tests. Trusts the
// stack's self-signed certificate; one instance per thread.
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

  private:
    void* curl_;
    std::string ca_file_;
};

}  // namespace harness
