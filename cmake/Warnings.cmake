# Warnings applied to the project's own targets (not to third-party headers).
add_library(zkc_warnings INTERFACE)
target_compile_options(zkc_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                             -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference>)
# __int128 is a GNU extension that the portable multiplication path relies on on purpose.
target_compile_options(zkc_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-pedantic>)
