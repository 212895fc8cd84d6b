// FastCGI adapter over libfcgi. The worker accepts connections itself (so it
// controls shutdown and the accept queue) and hands each socket to libfcgi by
// setting ipcFd before FCGX_Accept_r, which then only reads the request.
#include "fcgi_exchange.hpp"

#include <sodium.h>
#include <sys/socket.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <string>

namespace api {
namespace {

std::string param(FCGX_Request& r, const char* name) {
    const char* v = FCGX_GetParam(name, r.envp);
    return v ? std::string(v) : std::string();
}

// Request ids come from nginx ($request_id: 32 hex chars). Anything else is
// replaced so that a log line can never carry attacker-chosen text.
bool well_formed_request_id(const std::string& id) {
    if (id.empty() || id.size() > 64) {
        return false;
    }
    for (char c : id) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
            return false;
        }
    }
    return true;
}

std::string fresh_request_id() {
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    return hex;
}

}  // namespace

FcgiExchange::FcgiExchange() {
    // A listen socket of -1: libfcgi must never accept on its own.
    FCGX_InitRequest(&request_, -1, FCGI_FAIL_ACCEPT_ON_INTR);
}

FcgiExchange::~FcgiExchange() {
    FCGX_Free(&request_, 1);
}

bool FcgiExchange::begin(int fd) {
    request_.ipcFd = fd;
    // FCGX_Accept_r first "finishes" the previous request, which would close
    // ipcFd unless the connection is marked kept; the FastCGI BEGIN record it
    // then reads sets keepConnection to what nginx asked for.
    request_.keepConnection = 1;
    if (FCGX_Accept_r(&request_) != 0) {
        // libfcgi closed fd on a protocol error and then failed to accept on -1.
        request_.ipcFd = -1;
        return false;
    }
    return true;
}

http::Request FcgiExchange::read_head() {
    http::Request req;
    req.method = param(request_, "REQUEST_METHOD");
    std::string uri = param(request_, "DOCUMENT_URI");
    const std::string request_uri = param(request_, "REQUEST_URI");
    if (uri.empty()) {
        uri = request_uri.substr(0, request_uri.find('?'));
    }
    req.path = uri;
    req.query = param(request_, "QUERY_STRING");
    req.remote_addr = param(request_, "REMOTE_ADDR");
    req.request_id = param(request_, "REQUEST_ID");
    if (!well_formed_request_id(req.request_id)) {
        req.request_id = fresh_request_id();
    }
    req.traceparent = param(request_, "TRACEPARENT");
    for (char** e = request_.envp; e && *e; ++e) {
        std::string_view kv(*e);
        if (!kv.starts_with("HTTP_")) {
            continue;
        }
        const auto eq = kv.find('=');
        std::string name(kv.substr(5, eq - 5));
        for (auto& c : name) {
            c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        req.headers[name] = std::string(kv.substr(eq + 1));
    }
    if (auto ct = param(request_, "CONTENT_TYPE"); !ct.empty()) {
        req.headers["content-type"] = ct;
    }
    const std::string cl = param(request_, "CONTENT_LENGTH");
    content_length_ = 0;
    std::from_chars(cl.data(), cl.data() + cl.size(), content_length_);
    return req;
}

bool FcgiExchange::read_body(http::Request& req, std::size_t max_body) {
    const std::size_t length = content_length_;
    content_length_ = 0;
    const bool too_large = length > max_body;
    char buf[16384];
    if (!too_large) {
        req.body.reserve(length);
    }
    // Read what nginx sends even when it is too large, so nginx is never cut
    // off mid-write; only keep it when it fits.
    std::size_t remaining = length;
    while (remaining > 0) {
        const int want = static_cast<int>(std::min(remaining, sizeof buf));
        const int got = FCGX_GetStr(buf, want, request_.in);
        if (got <= 0) {
            break;
        }
        if (!too_large) {
            req.body.append(buf, static_cast<std::size_t>(got));
        }
        remaining -= static_cast<std::size_t>(got);
    }
    return !too_large;
}

void FcgiExchange::write_response(const http::Response& response) {
    std::string head = "Status: " + std::to_string(response.status) + " " +
                       std::string(http::reason_phrase(response.status)) + "\r\n";
    for (const auto& [name, value] : response.headers) {
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    head += "\r\n";
    FCGX_PutStr(head.data(), static_cast<int>(head.size()), request_.out);
    if (!response.body.empty()) {
        FCGX_PutStr(response.body.data(), static_cast<int>(response.body.size()), request_.out);
    }
}

bool FcgiExchange::write_chunk(std::string_view chunk) {
    if (chunk.empty()) {
        return true;
    }
    const int n = static_cast<int>(chunk.size());
    return FCGX_PutStr(chunk.data(), n, request_.out) == n && FCGX_FFlush(request_.out) == 0;
}

void FcgiExchange::finish() {
    FCGX_Finish_r(&request_);
}

void FcgiExchange::abort() {
    if (request_.ipcFd >= 0) {
        // The descriptor stays open (FCGX_Free closes it) but takes no more
        // writes: what libfcgi still has buffered, END_REQUEST included, fails
        // with EPIPE (SIGPIPE is ignored in the workers).
        (void)::shutdown(request_.ipcFd, SHUT_RDWR);
    }
}

}  // namespace api
