// SPDX-License-Identifier: BSL-1.0
// The CNN benchmark's network, shared by ctgrad's side (cnn.cpp) and libtorch's
// (cnn_torch.cpp): issue 14's Fashion-MNIST CNN, x [B, 1, 28, 28] -> conv 3x3 32 -> relu ->
// max-pool 2 -> conv 3x3 64 -> relu -> max-pool 2 -> flatten (1600) -> dense 128 -> relu ->
// dense 10, softmax cross-entropy (dropout left out: its masks cannot agree between the two
// sides, and in evaluation it is the identity). Convolution weights in PyTorch's layout
// [out, in, 3, 3]; the dense layers in ctgrad's [in, out]. y one-hot [B, 10].
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace bench::cnn {

inline constexpr std::size_t c1 = 32, c2 = 64, flat = 64 * 5 * 5, hidden = 128, classes = 10;

struct spec {
  std::size_t batch = 32;
  std::vector<float> w1, b1, w2, b2, w3, b3, w4, b4, x, y;
};

/// libtorch's gradient of the spec's loss (every parameter, not the input).
class torch_impl {
 public:
  virtual ~torch_impl() = default;
  virtual float gradient() = 0;
  /// The last gradient in the spec's layout, in the order w1, b1, w2, b2, w3, b3, w4, b4.
  virtual std::vector<std::vector<float>> read() = 0;
  virtual std::string describe() const = 0;
};

std::unique_ptr<torch_impl> make_torch(spec const& s);

}  // namespace bench::cnn
