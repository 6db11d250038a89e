// SPDX-License-Identifier: BSL-1.0
// The libtorch side of the training benchmark (see train.cpp): 784-128-10, relu, softmax
// cross-entropy, batch 32, torch::optim::SGD with lr 0.01, float, one thread.
//
// Written as a libtorch user would write it for speed, so that the comparison is against
// libtorch at its best rather than a strawman:
// - a torch::nn::Module with two torch::nn::Linear (weight [out][in], bias [out]) and
//   torch::relu; the loss is torch::nn::functional::cross_entropy on int64 class indices,
//   libtorch's own fused log_softmax + nll_loss (mean over the batch), which is the same
//   function as ctgrad's cross_entropy(softmax(z), one_hot) and one-hot targets;
// - the input and target tensors are allocated once; each step copies its batch into their
//   storage (bench::train::load_batch, the same loop the ctgrad side runs);
// - the input does not require a gradient, so no dL/dX is formed (ctgrad does not form it
//   either);
// - the loss is not read out (.item()) in the step: a training loop need not synchronise on
//   it every step. train.cpp reads it with last_loss() only in the correctness check;
// - gradients are reset with Module::zero_grad(/*set_to_none=*/true), which drops them
//   instead of writing zeros (PyTorch 2's default; here 241 us per step against 258 us with
//   Optimizer::zero_grad(), which fills them with zeros, and 274 us with set_to_none=false);
// - one intra-op thread: torch::set_num_threads(1). libtorch's float matrix products go to
//   the system BLAS (Debian: whatever libblas.so.3 points to). OpenBLAS built with pthreads
//   ignores torch::set_num_threads, so when OpenBLAS is the BLAS it is told directly
//   (openblas_set_num_threads(1), looked up at run time). train.cpp measures process CPU
//   time against wall time for every benchmark, so a second busy thread would show.
#include "train_case.hpp"

#include <torch/torch.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <link.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>

namespace bench::train {
namespace {

struct mlpImpl : torch::nn::Module {
  mlpImpl()
      : fc1(register_module("fc1", torch::nn::Linear(std::int64_t(pixels), std::int64_t(hidden)))),
        fc2(register_module("fc2",
                            torch::nn::Linear(std::int64_t(hidden), std::int64_t(classes)))) {}
  torch::Tensor forward(torch::Tensor const& x) { return fc2(torch::relu(fc1(x))); }
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(mlp);  // mlp: a shared handle to an mlpImpl (the macro wants that name)

// A symbol of a library already loaded into the process (OpenBLAS's extensions), or null.
template <class F> F* loaded_symbol(char const* name) {
  return reinterpret_cast<F*>(dlsym(RTLD_DEFAULT, name));
}

// The first time libtorch is used: one intra-op thread, and OpenBLAS told the same.
void single_thread() {
  torch::set_num_threads(1);
  if (auto* set = loaded_symbol<void(int)>("openblas_set_num_threads")) set(1);
}

// Copies a [rows][cols] tensor (contiguous or not) into out, transposed if asked, so that
// out is in ctgrad's layout.
void export_tensor(torch::Tensor const& t, bool transpose, std::vector<float>& out) {
  torch::Tensor const c = (transpose ? t.t() : t).contiguous();
  if (static_cast<std::size_t>(c.numel()) != out.size())
    throw std::runtime_error("train_torch: tensor of " + std::to_string(c.numel()) +
                             " elements, expected " + std::to_string(out.size()));
  std::memcpy(out.data(), c.data_ptr<float>(), out.size() * sizeof(float));
}

}  // namespace

struct torch_trainer::impl {
  explicit impl(dataset const& d)
      : data(d),
        opt(model->parameters(), torch::optim::SGDOptions(learning_rate)),
        x(torch::empty({std::int64_t(batch), std::int64_t(pixels)}, torch::kFloat)),
        y(torch::empty({std::int64_t(batch)}, torch::kLong)) {}

  dataset const& data;
  mlp model;
  torch::optim::SGD opt;
  torch::Tensor x, y, loss;
};

torch_trainer::torch_trainer(dataset const& data) {
  single_thread();
  impl_ = std::make_unique<impl>(data);
}

torch_trainer::~torch_trainer() = default;

void torch_trainer::set_params(flat_params const& p) {
  torch::NoGradGuard no_grad;
  auto const from = [](std::vector<float> const& v, std::int64_t rows, std::int64_t cols) {
    // from_blob does not copy; copy_ below does, so the vector may go away afterwards.
    return torch::from_blob(const_cast<float*>(v.data()), {rows, cols}, torch::kFloat);
  };
  auto const in = std::int64_t(pixels), hid = std::int64_t(hidden), out = std::int64_t(classes);
  impl_->model->fc1->weight.copy_(from(p.W1, in, hid).t());  // [in][out] -> [out][in]
  impl_->model->fc1->bias.copy_(from(p.b1, 1, hid).view({hid}));
  impl_->model->fc2->weight.copy_(from(p.W2, hid, out).t());
  impl_->model->fc2->bias.copy_(from(p.b2, 1, out).view({out}));
  impl_->model->zero_grad(/*set_to_none=*/true);
  impl_->loss = torch::Tensor();
}

void torch_trainer::step(std::size_t b) {
  impl& s = *impl_;
  std::int64_t* const labels = s.y.data_ptr<std::int64_t>();
  load_batch(s.data, b, s.x.data_ptr<float>(),
             [labels](std::size_t r, std::uint8_t c) { labels[r] = c; });
  s.model->zero_grad(/*set_to_none=*/true);
  s.loss = torch::nn::functional::cross_entropy(s.model->forward(s.x), s.y);
  s.loss.backward();
  s.opt.step();
}

float torch_trainer::last_loss() const {
  if (!impl_->loss.defined()) throw std::runtime_error("train_torch: no step has run");
  return impl_->loss.item<float>();
}

flat_params torch_trainer::params() const {
  torch::NoGradGuard no_grad;
  flat_params p;
  export_tensor(impl_->model->fc1->weight, true, p.W1);
  export_tensor(impl_->model->fc1->bias, false, p.b1);
  export_tensor(impl_->model->fc2->weight, true, p.W2);
  export_tensor(impl_->model->fc2->bias, false, p.b2);
  return p;
}

flat_params torch_trainer::grads() const {
  torch::NoGradGuard no_grad;
  auto const& m = impl_->model;
  for (auto const& t : {m->fc1->weight, m->fc1->bias, m->fc2->weight, m->fc2->bias})
    if (!t.grad().defined()) throw std::runtime_error("train_torch: no gradient yet");
  flat_params g;
  export_tensor(m->fc1->weight.grad(), true, g.W1);
  export_tensor(m->fc1->bias.grad(), false, g.b1);
  export_tensor(m->fc2->weight.grad(), true, g.W2);
  export_tensor(m->fc2->bias.grad(), false, g.b2);
  return g;
}

std::string torch_trainer::version() { return TORCH_VERSION; }

std::string torch_trainer::threading() {
  std::string s = "torch::get_num_threads() = " + std::to_string(torch::get_num_threads());
  if (auto* get = loaded_symbol<int()>("openblas_get_num_threads"))
    s += ", openblas_get_num_threads() = " + std::to_string(get());
  return s;
}

std::string torch_trainer::blas() {
  // The files of the loaded libraries whose name says BLAS (libblas.so.3 resolved through
  // Debian's alternatives, libopenblas*.so, libblis*.so, libmkl*.so).
  std::set<std::string> found;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        std::string const name = info->dlpi_name ? info->dlpi_name : "";
        auto const slash = name.rfind('/');
        std::string const base = slash == std::string::npos ? name : name.substr(slash + 1);
        if (base.find("blas") != std::string::npos || base.find("blis") != std::string::npos ||
            base.find("mkl") != std::string::npos) {
          char resolved[4096];
          static_cast<std::set<std::string>*>(out)->insert(
              realpath(name.c_str(), resolved) ? resolved : name);
        }
        return 0;
      },
      &found);
  std::string s;
  for (auto const& f : found) s += (s.empty() ? "" : ", ") + f;
  if (auto* config = loaded_symbol<char*()>("openblas_get_config"))
    s += std::string(" (OpenBLAS ") + config() + ")";
  return s.empty() ? "none found among the loaded libraries" : s;
}

}  // namespace bench::train
