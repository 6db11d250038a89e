// SPDX-License-Identifier: BSL-1.0
// libtorch (Debian's libtorch-dev, 1.13), eager autograd on one thread: each gradient
// builds the graph anew while the forward pass runs, as PyTorch code does. Written the way
// a PyTorch user would: a layer is addmm(b, a, W) (what nn.Linear runs, with W stored
// [in, out] as ctgrad has it), the losses are torch's fused ones (cross_entropy on class
// indices, mse_loss), and gradients are reset to none between steps.
#include "impl.hpp"

#include <torch/torch.h>

#include <dlfcn.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace bench {
namespace {

// One thread: torch's intra-op pool, and OpenBLAS's own pool, which torch's setting does not
// reach (OpenBLAS is looked up in the process, as bench/train_torch.cpp does).
void single_thread() {
  torch::set_num_threads(1);
  using set_threads = void(int);
  if (auto* set = reinterpret_cast<set_threads*>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set(1);
}

torch::Tensor from(std::vector<float> const& v, std::vector<std::int64_t> dims) {
  return torch::from_blob(const_cast<float*>(v.data()), dims, torch::kFloat32).clone();
}

class torch_mlp final : public gradient_impl {
 public:
  explicit torch_mlp(mlp_spec const& spec) : spec_(spec) {
    single_thread();
    auto const B = static_cast<std::int64_t>(spec.batch);
    for (std::size_t l = 0; l + 1 < spec.sizes.size(); ++l) {
      auto const in = static_cast<std::int64_t>(spec.sizes[l]);
      auto const out = static_cast<std::int64_t>(spec.sizes[l + 1]);
      W_.push_back(from(spec.W[l], {in, out}).requires_grad_(true));
      b_.push_back(from(spec.b[l], {out}).requires_grad_(true));
    }
    x_ = from(spec.x, {B, static_cast<std::int64_t>(spec.sizes[0])});
    auto const C = static_cast<std::int64_t>(spec.sizes.back());
    y_ = from(spec.y, {B, C});
    labels_ = y_.argmax(1);
  }

  float gradient() override {
    for (auto* ps : {&W_, &b_})
      for (auto& p : *ps) p.mutable_grad() = torch::Tensor();
    torch::Tensor a = x_;
    std::size_t const layers = W_.size();
    torch::Tensor z;
    for (std::size_t l = 0; l < layers; ++l) {
      z = torch::addmm(b_[l], a, W_[l]);
      if (l + 1 == layers) break;
      torch::Tensor h = spec_.act == activation::relu      ? torch::relu(z)
                        : spec_.act == activation::sigmoid ? torch::sigmoid(z)
                                                           : torch::tanh(z);
      a = spec_.residual && l > 0 ? a + h : h;
    }
    torch::Tensor loss = spec_.loss == loss_kind::mse
                             ? torch::mse_loss(z, y_)
                             : torch::nn::functional::cross_entropy(z, labels_);
    loss.backward();
    return loss.item<float>();
  }

  void read(std::vector<std::vector<float>>& dW, std::vector<std::vector<float>>& db) override {
    auto flat = [](torch::Tensor const& g) {
      auto c = g.contiguous();
      return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    };
    dW.clear();
    db.clear();
    for (auto& w : W_) dW.push_back(flat(w.grad()));
    for (auto& b : b_) db.push_back(flat(b.grad()));
  }

 private:
  mlp_spec spec_;
  std::vector<torch::Tensor> W_, b_;
  torch::Tensor x_, y_, labels_;
};

// L = sin(x^2)^2 on a 0-d tensor, as `x = torch.tensor(1.3, requires_grad=True);
// L = torch.sin(x ** 2) ** 2; L.backward()` would run it.
class torch_chain_rule final : public chain_rule_impl {
 public:
  torch_chain_rule(double x, bool f64)
      : x_(torch::tensor(x, torch::TensorOptions().dtype(f64 ? torch::kFloat64 : torch::kFloat32))
               .requires_grad_(true)),
        f64_(f64) {
    single_thread();
  }

  double gradient() override {
    x_.mutable_grad() = torch::Tensor();
    torch::Tensor L = torch::sin(x_.pow(2)).pow(2);
    L.backward();
    return f64_ ? L.item<double>() : L.item<float>();
  }
  double derivative() const override {
    return f64_ ? x_.grad().item<double>() : x_.grad().item<float>();
  }

 private:
  torch::Tensor x_;
  bool f64_;
};

}  // namespace

std::unique_ptr<gradient_impl> make_libtorch(mlp_spec const& spec) {
  return std::make_unique<torch_mlp>(spec);
}

std::unique_ptr<chain_rule_impl> make_libtorch_chain_rule(double x, bool f64) {
  return std::make_unique<torch_chain_rule>(x, f64);
}

}  // namespace bench
