// bench_sse::set_server_name: SNI "localhost" on a client SSL (the stack's
// certificate names localhost). OpenSSL's SSL_set_tlsext_host_name macro casts
// away const in C style, which -Wold-style-cast rejects.
#pragma once

#include <openssl/ssl.h>

namespace bench_sse {

inline void set_server_name(SSL* ssl) {
    static char name[] = "localhost";
    (void)SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, name);
}

}  // namespace bench_sse
