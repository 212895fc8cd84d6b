// api::FcgiExchange: the FastCGI side of one request (libfcgi). Reads the
// params and body of an accepted connection into an http::Request and writes
// an http::Response back. Used by the worker loop only.
#pragma once

#include <fcgiapp.h>

#include <cstddef>
#include <optional>
#include <string_view>

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

    // The request line, params and headers; the body is not read yet, so
    // the worker can route and rate-limit before reading it.
    [[nodiscard]] http::Request read_head();
    // Reads the body (CONTENT_LENGTH bytes) into req.body when it has at most
    // max_body bytes and returns true; otherwise drains it without keeping it
    // and returns false. Call once per request, after read_head().
    [[nodiscard]] bool read_body(http::Request& req, std::size_t max_body);

    // Writes the head and `body`; a response's `stream` is left to the caller
    // (write_chunk).
    void write_response(const http::Response& response);
    // Sends one piece of a streamed body at once (FCGX_FFlush), so it leaves
    // the worker as produced. False when the connection failed.
    [[nodiscard]] bool write_chunk(std::string_view chunk);
    // Ends the request and closes the connection.
    void finish();
    // Cuts the connection without ending the request (no FCGI_END_REQUEST):
    // nginx reports "upstream prematurely closed" and aborts the client's
    // response (no last chunk, an HTTP/2 RST_STREAM), so a body cut short
    // cannot pass for a whole one. finish() afterwards writes nothing.
    void abort();

  private:
    FCGX_Request request_{};
    std::size_t content_length_ = 0;
};

}  // namespace api
