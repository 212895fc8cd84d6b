// SQLSTATE classification: which errors reconnect, which retry the transaction,
// which mean the server is short of disk or memory.
#include <gtest/gtest.h>

#include "db/error.hpp"

namespace {

using db::ErrorClass;

TEST(Sqlstate, Classification) {
    struct Case {
        const char* state;
        ErrorClass expected;
    } cases[] = {
        {"08006", ErrorClass::kConnection}, {"08003", ErrorClass::kConnection},
        {"57P01", ErrorClass::kConnection}, {"57P03", ErrorClass::kConnection},
        {"", ErrorClass::kConnection},      {"40001", ErrorClass::kRetryable},
        {"40P01", ErrorClass::kRetryable},  {"23505", ErrorClass::kUnique},
        {"23503", ErrorClass::kForeignKey}, {"57014", ErrorClass::kTimeout},
        {"55P03", ErrorClass::kTimeout},    {"42601", ErrorClass::kOther},
        {"23514", ErrorClass::kOther},      {"53100", ErrorClass::kDiskFull},
        {"53200", ErrorClass::kResources},  {"53400", ErrorClass::kResources},
        {"53000", ErrorClass::kResources},  {"53300", ErrorClass::kConnection},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(db::classify_sqlstate(c.state), c.expected) << c.state;
    }
}

}  // namespace
