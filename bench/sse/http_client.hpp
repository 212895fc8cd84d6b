// bench_sse::HttpClient: a small blocking HTTP/1.1 client with keep-alive,
// over TLS (OpenSSL) or plain TCP, for the load client's parent process: it
// reads a game's version and publishes (PUT a score through the API, POST to
// Nchan's publisher). One request at a time; not thread-safe.
#pragma once

#include <openssl/ssl.h>

#include <map>
#include <optional>
#include <string>

namespace bench_sse {

struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

class HttpClient {
  public:
    // url: http(s)://HOST:PORT (no path). ca_file empty: no verification.
    // source: local address to bind ("" = any).
    HttpClient(std::string url, std::string ca_file, std::string source);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request and reads the whole response; reconnects once when a
    // kept-alive connection turns out closed. nullopt (and error()) on I/O or
    // protocol errors. timeout_ms bounds each socket wait.
    [[nodiscard]] std::optional<HttpResponse> request(
        const std::string& method, const std::string& path,
        const std::map<std::string, std::string>& headers, const std::string& body,
        int timeout_ms = 30000);
    [[nodiscard]] const std::string& error() const { return error_; }

  private:
    [[nodiscard]] bool connect_now(int timeout_ms);
    void close_now();
    [[nodiscard]] bool send_all(const std::string& bytes, int timeout_ms);
    // Reads more bytes into buf_; false on EOF, error or timeout.
    [[nodiscard]] bool read_more(int timeout_ms);
    [[nodiscard]] std::optional<HttpResponse> read_response(bool head_request, int timeout_ms);

    std::string host_;
    int port_ = 0;
    bool tls_ = false;
    std::string ca_file_;
    std::string source_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    int fd_ = -1;
    std::string buf_;
    std::string error_;
};

}  // namespace bench_sse
