// SPDX-License-Identifier: BSL-1.0
// libtorch's side of the GRU benchmark (gru.cpp): torch::nn::GRU and torch::nn::Linear as a
// libtorch user writes them for speed: one intra-op thread (and OpenBLAS told so), the
// input and targets allocated once, gradients dropped with zero_grad(set_to_none), the
// loss not read out in the timed step, the input without requires_grad.
#include "gru_case.hpp"

#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <cstdint>
#include <cstring>

namespace bench::gru {
namespace {

torch::Tensor from(std::vector<float> const& v, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

class impl final : public torch_impl {
 public:
  explicit impl(spec const& s)
      : gru_(torch::nn::GRUOptions(std::int64_t(inputs), std::int64_t(hidden))),
        out_(torch::nn::LinearOptions(std::int64_t(hidden), std::int64_t(classes))) {
    torch::set_num_threads(1);
    if (auto* set =
            reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
      set(1);
    auto const B = std::int64_t(s.batch);
    torch::NoGradGuard no_grad;
    gru_->named_parameters()["weight_ih_l0"].copy_(from(s.w_ih, {3 * hidden, inputs}));
    gru_->named_parameters()["weight_hh_l0"].copy_(from(s.w_hh, {3 * hidden, hidden}));
    gru_->named_parameters()["bias_ih_l0"].copy_(from(s.b_ih, {3 * hidden}));
    gru_->named_parameters()["bias_hh_l0"].copy_(from(s.b_hh, {3 * hidden}));
    // nn.Linear keeps weight [out, in]: ctgrad's w_out [in, out] transposed.
    out_->weight.copy_(from(s.w_out, {hidden, classes}).t());
    out_->bias.copy_(from(s.b_out, {classes}));
    x_ = from(s.x, {std::int64_t(steps), B, std::int64_t(inputs)});
    auto const y = from(s.y, {B, std::int64_t(classes)});
    target_ = y.argmax(1);
  }
  float gradient() override {
    gru_->zero_grad(true);
    out_->zero_grad(true);
    auto const [seq, h_n] = gru_->forward(x_);
    auto const logits = out_->forward(h_n[0]);
    loss_ = torch::nn::functional::cross_entropy(logits, target_);
    loss_.backward();
    return 0;
  }
  std::vector<std::vector<float>> read() override {
    auto flat = [](torch::Tensor const& t) {
      auto c = t.contiguous();
      return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    };
    auto p = gru_->named_parameters();
    return {flat(p["weight_ih_l0"].grad()), flat(p["weight_hh_l0"].grad()),
            flat(p["bias_ih_l0"].grad()),   flat(p["bias_hh_l0"].grad()),
            flat(out_->weight.grad().t()),  flat(out_->bias.grad())};
  }
  std::string describe() const override {
    return std::string("libtorch ") + TORCH_VERSION + ", " +
           std::to_string(torch::get_num_threads()) + " thread";
  }

 private:
  torch::nn::GRU gru_;
  torch::nn::Linear out_;
  torch::Tensor x_, target_, loss_;
};

}  // namespace

std::unique_ptr<torch_impl> make_torch(spec const& s) { return std::make_unique<impl>(s); }

}  // namespace bench::gru
