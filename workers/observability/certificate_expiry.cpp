// The certificate's notAfter through OpenSSL; see certificate_expiry.hpp.
#include "observability/certificate_expiry.hpp"

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "log.hpp"

namespace api::obs {

std::optional<std::int64_t> certificate_not_after(const std::string& pem_path) {
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(pem_path.c_str(), "re"), &std::fclose);
    if (!file) {
        slog::warn("tls_certificate_unreadable",
                   {{"path", pem_path}, {"error", std::strerror(errno)}});
        return std::nullopt;
    }
    std::unique_ptr<X509, void (*)(X509*)> cert(
        PEM_read_X509(file.get(), nullptr, nullptr, nullptr), &X509_free);
    std::tm tm{};
    if (!cert || ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
        slog::warn("tls_certificate_unreadable",
                   {{"path", pem_path}, {"error", "no PEM certificate with a valid notAfter"}});
        return std::nullopt;
    }
    return static_cast<std::int64_t>(::timegm(&tm));  // ASN1_TIME_to_tm gives UTC
}

std::optional<std::int64_t> CertificateExpiry::get(const std::string& pem_path,
                                                   Clock::time_point now) {
    if (!read_at_ || pem_path != path_ || now - *read_at_ >= kRefresh) {
        path_ = pem_path;
        not_after_ = certificate_not_after(pem_path);
        read_at_ = now;
    }
    return not_after_;
}

}  // namespace api::obs
