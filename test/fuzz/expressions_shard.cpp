// SPDX-License-Identifier: BSL-1.0
// One shard of the expression family: entries CTGRAD_FUZZ_SHARD * per_shard onwards
// (compiled once per shard, -DCTGRAD_FUZZ_SHARD=k, so that the shards build in parallel).
#include "expressions.hpp"

#include <utility>

namespace fuzz {
namespace {
constexpr auto shard_table =
    table<CTGRAD_FUZZ_SHARD * per_shard>(std::make_index_sequence<per_shard>{});
registrar const registered{CTGRAD_FUZZ_SHARD, shard_table.data()};
}  // namespace
}  // namespace fuzz
