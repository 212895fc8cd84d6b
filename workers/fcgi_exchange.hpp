// api::FcgiExchange: the FastCGI side of one request (libfcgi). Reads the
// params and body of an accepted connection into an http::Request and writes
// an http::Response back. Used by the worker loop only.
#pragma once

#include <fcgiapp.h>

#include <cstddef>
#include <optional>

#include "http/message.hpp"

namespace api {

class FcgiExchange {
  public:
    FcgiExchange();
    ~FcgiExchange();
    FcgiExchange(const FcgiExchange&) = delete;
    FcgiExchange& operator=(const FcgiExchange&) = delete;

    // Takes ownership of the accepted socket `fd` and reads the FastCGI
    // params. Returns false (fd closed) when the peer sent no valid request.
    [[nodiscard]] bool begin(int fd);

    // The request, with at most max_body bytes of body; `too_large` is set
    // (and the body drained, not kept) when CONTENT_LENGTH exceeds it.
    [[nodiscard]] http::Request read_request(std::size_t max_body, bool& too_large);

    void write_response(const http::Response& response);
    // Ends the request and closes the connection.
    void finish();

  private:
    FCGX_Request request_{};
};

}  // namespace api
