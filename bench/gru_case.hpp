// SPDX-License-Identifier: BSL-1.0
// The GRU benchmark's network, shared by ctgrad's side (gru.cpp) and libtorch's
// (gru_torch.cpp): a GRU (input 28, hidden 64) over T = 28 steps of a batch, its last state
// through a dense layer of 10, softmax cross-entropy (the row-sequential Fashion-MNIST
// demo's network). Weights in PyTorch's layout: w_ih [3H, in], w_hh [3H, H], b_ih, b_hh
// [3H]; the dense layer in ctgrad's: w_out [H, 10], b_out [10]. x is [T, B, in], y one-hot
// [B, 10].
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace bench::gru {

inline constexpr std::size_t steps = 28, inputs = 28, hidden = 64, classes = 10;

struct spec {
  std::size_t batch = 32;
  std::vector<float> w_ih, w_hh, b_ih, b_hh, w_out, b_out, x, y;
};

/// libtorch's gradient of the spec's loss (every parameter, not the input).
class torch_impl {
 public:
  virtual ~torch_impl() = default;
  virtual float gradient() = 0;
  /// The last gradient, in the spec's layout, in the order w_ih, w_hh, b_ih, b_hh, w_out, b_out.
  virtual std::vector<std::vector<float>> read() = 0;
  virtual std::string describe() const = 0;
};

std::unique_ptr<torch_impl> make_torch(spec const& s);

}  // namespace bench::gru
