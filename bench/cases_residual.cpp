// SPDX-License-Identifier: BSL-1.0
// A residual MLP: 16 -> dense 32 -> ReLU -> two residual blocks h + relu(dense(h)) (32 -> 32)
// -> dense 4 -> softmax cross-entropy, batch 1 and 32. The skips make the hidden activations
// fan out (each feeds its block's dense and the sum after it), so the backward pass adds two
// adjoints per block: ctgrad's sweep, the tape and the hand-written code all do.
#include "mlp_case.hpp"

namespace bench {
namespace {
using namespace ctgrad;
namespace hw = handwritten;

template <std::size_t B> struct resmlp_16_32x2_4 {
  static constexpr auto X = input<"X", B, 16>;
  static constexpr auto Y = input<"Y", B, 4>;
  static constexpr auto W1 = param<"W1", 16, 32>;
  static constexpr auto b1 = param<"b1", 32>;
  static constexpr auto W2 = param<"W2", 32, 32>;
  static constexpr auto b2 = param<"b2", 32>;
  static constexpr auto W3 = param<"W3", 32, 32>;
  static constexpr auto b3 = param<"b3", 32>;
  static constexpr auto W4 = param<"W4", 32, 4>;
  static constexpr auto b4 = param<"b4", 4>;
  static constexpr auto h1 = relu(dense(X, W1, b1));
  static constexpr auto h2 = h1 + relu(dense(h1, W2, b2));
  static constexpr auto h3 = h2 + relu(dense(h2, W3, b3));
  static constexpr auto loss = cross_entropy(softmax(dense(h3, W4, b4)), Y);
  static constexpr std::tuple Ws{W1, W2, W3, W4};
  static constexpr std::tuple bs{b1, b2, b3, b4};
  using reference =
      hw::residual_mlp<float, B, hw::act::relu, hw::loss::softmax_cross_entropy, 16, 32, 32, 32, 4>;
};
}  // namespace

void add_residual_cases(std::vector<case_entry>& cases) {
  add_case<resmlp_16_32x2_4<1>>(cases, "resmlp_16_32x2_4_b1", true);
  add_case<resmlp_16_32x2_4<32>>(cases, "resmlp_16_32x2_4_b32", true);
}

}  // namespace bench
