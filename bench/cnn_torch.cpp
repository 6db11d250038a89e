// SPDX-License-Identifier: BSL-1.0
// libtorch's side of the CNN benchmark (cnn.cpp): torch::nn::Conv2d, max_pool2d and Linear
// as a libtorch user writes them for speed: one intra-op thread (and OpenBLAS told so), the
// input and targets allocated once, gradients dropped with zero_grad(set_to_none), the loss
// not read out in the timed step, the input without requires_grad.
#include "cnn_case.hpp"

#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <cstdint>

namespace bench::cnn {
namespace {

torch::Tensor from(std::vector<float> const& v, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

class impl final : public torch_impl {
 public:
  explicit impl(spec const& s)
      : conv1_(torch::nn::Conv2dOptions(1, std::int64_t(c1), 3)),
        conv2_(torch::nn::Conv2dOptions(std::int64_t(c1), std::int64_t(c2), 3)),
        fc1_(torch::nn::LinearOptions(std::int64_t(flat), std::int64_t(hidden))),
        fc2_(torch::nn::LinearOptions(std::int64_t(hidden), std::int64_t(classes))) {
    torch::set_num_threads(1);
    if (auto* set =
            reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      set(1);
    auto const B = std::int64_t(s.batch);
    torch::NoGradGuard no_grad;
    conv1_->weight.copy_(from(s.w1, {std::int64_t(c1), 1, 3, 3}));
    conv1_->bias.copy_(from(s.b1, {std::int64_t(c1)}));
    conv2_->weight.copy_(from(s.w2, {std::int64_t(c2), std::int64_t(c1), 3, 3}));
    conv2_->bias.copy_(from(s.b2, {std::int64_t(c2)}));
    // nn.Linear keeps weight [out, in]: ctgrad's [in, out] transposed.
    fc1_->weight.copy_(from(s.w3, {std::int64_t(flat), std::int64_t(hidden)}).t());
    fc1_->bias.copy_(from(s.b3, {std::int64_t(hidden)}));
    fc2_->weight.copy_(from(s.w4, {std::int64_t(hidden), std::int64_t(classes)}).t());
    fc2_->bias.copy_(from(s.b4, {std::int64_t(classes)}));
    x_ = from(s.x, {B, 1, 28, 28});
    target_ = from(s.y, {B, std::int64_t(classes)}).argmax(1);
  }
  float gradient() override {
    conv1_->zero_grad(true);
    conv2_->zero_grad(true);
    fc1_->zero_grad(true);
    fc2_->zero_grad(true);
    namespace F = torch::nn::functional;
    auto h = F::max_pool2d(torch::relu(conv1_->forward(x_)), F::MaxPool2dFuncOptions(2));
    h = F::max_pool2d(torch::relu(conv2_->forward(h)), F::MaxPool2dFuncOptions(2));
    auto const logits = fc2_->forward(torch::relu(fc1_->forward(h.flatten(1))));
    loss_ = F::cross_entropy(logits, target_);
    loss_.backward();
    return 0;
  }
  std::vector<std::vector<float>> read() override {
    auto flat_of = [](torch::Tensor const& t) {
      auto c = t.contiguous();
      return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    };
    return {flat_of(conv1_->weight.grad()),   flat_of(conv1_->bias.grad()),
            flat_of(conv2_->weight.grad()),   flat_of(conv2_->bias.grad()),
            flat_of(fc1_->weight.grad().t()), flat_of(fc1_->bias.grad()),
            flat_of(fc2_->weight.grad().t()), flat_of(fc2_->bias.grad())};
  }
  std::string describe() const override {
    return std::string("libtorch ") + TORCH_VERSION + ", " +
           std::to_string(torch::get_num_threads()) + " thread";
  }

 private:
  torch::nn::Conv2d conv1_, conv2_;
  torch::nn::Linear fc1_, fc2_;
  torch::Tensor x_, target_, loss_;
};

}  // namespace

std::unique_ptr<torch_impl> make_torch(spec const& s) { return std::make_unique<impl>(s); }

}  // namespace bench::cnn
