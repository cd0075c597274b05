// EXPECT_OK / ASSERT_OK for Status and Result<T>.
#pragma once

#include <gtest/gtest.h>

#include "base/status.h"

namespace duban::testing {
inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) { return r.status(); }
}  // namespace duban::testing

#define EXPECT_OK(expr) EXPECT_EQ(::duban::testing::AsStatus(expr).ToString(), "OK")
#define ASSERT_OK(expr) ASSERT_EQ(::duban::testing::AsStatus(expr).ToString(), "OK")
