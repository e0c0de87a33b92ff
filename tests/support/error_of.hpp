// The message of an exception a test expects, for checking what it says.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace zkc::test_support {

// The message of the exception `f` throws as E (empty and a test failure when it throws nothing).
template <typename E, typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return {};
}

}  // namespace zkc::test_support
