// The query parameters of GET /api/v1/admin/audit: strict timestamps and the
// opaque cursor.
#include <gtest/gtest.h>

#include "handlers/audit.hpp"

namespace {

TEST(AuditQuery, TimestampsAreStrictIso8601) {
    for (const char* ok : {"2024-02-29", "2024-01-01T00:00Z", "2024-01-01T23:59:59Z",
                           "2024-01-01T12:00:00.123456+02:00", "2024-01-01T12:00:00-05:30"}) {
        EXPECT_TRUE(api::parse_timestamp_filter(ok).has_value()) << ok;
    }
    for (const char* bad :
         {"", "yesterday", "2023-02-29", "2024-13-01", "2024-01-32", "2024-01-01T24:00:00Z",
          "2024-01-01T12:60Z", "2024-01-01T12:00:00", "2024-01-01 12:00:00Z",
          "2024-01-01T12:00:00.1234567Z", "2024-01-01T12:00:00+2:00",
          "2024-01-01T12:00:00Z; DROP TABLE x", "20240101"}) {
        EXPECT_FALSE(api::parse_timestamp_filter(bad).has_value()) << bad;
    }
    EXPECT_EQ(api::parse_timestamp_filter("2024-05-06"), "2024-05-06T00:00:00Z");
}

TEST(AuditQuery, CursorRoundTripsAndRefusesForgeries) {
    const std::string c = api::encode_audit_cursor(12345);
    EXPECT_EQ(api::decode_audit_cursor(c), 12345);
    EXPECT_FALSE(api::decode_audit_cursor("12345").has_value());
    EXPECT_FALSE(api::decode_audit_cursor("").has_value());
    EXPECT_FALSE(api::decode_audit_cursor(c + "A").has_value());
    EXPECT_FALSE(api::decode_audit_cursor(api::encode_audit_cursor(0)).has_value());
}

}  // namespace
