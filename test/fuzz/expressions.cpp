// SPDX-License-Identifier: BSL-1.0
// The expression fuzzer's entry points; the checks are in expressions.hpp, the family's
// tables in expressions_shard.cpp.
#include "expressions.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (std::size_t k = 0; k < fuzz::shards; ++k)
    if (fuzz::registry[k] == nullptr) {
      std::fprintf(stderr, "ctgrad fuzz: expression shard %zu is not linked in\n", k);
      std::abort();
    }
  std::atexit(fuzz::print_stats);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  fuzz::reader r{data, size};
  std::size_t const pick = (r.byte() | std::size_t{r.byte()} << 8) % CTGRAD_FUZZ_EXPRESSIONS;
  double const xv = r.value();
  double const yv = r.value();
  fuzz::run(fuzz::registry[pick / fuzz::per_shard][pick % fuzz::per_shard], xv, yv);
  return 0;
}
