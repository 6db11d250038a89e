// SPDX-License-Identifier: BSL-1.0
// The ctgrad side of issue 15's round trip (torch_mlp.py export writes the files first):
// PyTorch's trained nn.Sequential(Linear(4, 16), Tanh(), Linear(16, 3)), loaded from
// safetensors with the documented name rule, gives torch's outputs to 1e-6 in float and
// torch's gradients of the mean cross-entropy to 1e-10 in double; its F16 and BF16 copies
// read as torch converts them to float, bit for bit; then it is fine-tuned here
// (SGD at batch 32) and saved, with its outputs, for torch_mlp.py check.
// Run: test.interop.torch_mlp -- DIR
#define BOOST_TEST_MODULE interop.torch_mlp
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/safetensors.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

using namespace ctgrad;

constexpr auto X = input<"X", 32, 4>;
constexpr auto Y = input<"Y", 32, 3>;
constexpr auto Out = input<"out", 32, 3>;
constexpr auto logits = sequential(X, layer::dense<16>, layer::tanh, layer::dense<3>);
constexpr auto loss = cross_entropy(softmax(logits), Y);

template <class T>
using data_set = var_set<T, std::remove_cv_t<decltype(X)>, std::remove_cv_t<decltype(Y)>,
                         std::remove_cv_t<decltype(Out)>>;

std::string dir() {
  auto const& suite = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(suite.argc == 2, "usage: test.interop.torch_mlp -- DIR");
  return suite.argv[1];
}

BOOST_AUTO_TEST_CASE(torch_outputs_in_float_and_gradients_in_double) {
  std::string const d = dir();
  auto p = params<float>(loss);
  io::load_safetensors(p, d + "/model32.safetensors");  // 0.* -> W1, b1; 2.* -> W2, b2
  data_set<float> data{};
  io::load_safetensors(data, d + "/data.safetensors");
  auto const out = eval(logits, p, X = data[X]);
  double worst = 0;
  for (std::size_t i = 0; i < out.size; ++i)
    worst = std::max(worst, std::abs(double(out.data[i]) - data[Out].data[i]) /
                                std::max(1.0, std::abs(double(data[Out].data[i]))));
  BOOST_TEST_MESSAGE("outputs (float): largest difference from torch " << worst);
  BOOST_TEST(worst <= 1e-6);

  auto p64 = params<double>(loss);
  io::load_safetensors(p64, d + "/model64.safetensors");
  data_set<double> data64{};
  io::load_safetensors(data64, d + "/data.safetensors");  // F32, exactly as torch's .double()
  auto const g = grad(loss, p64, X = data64[X], Y = data64[Y]);
  auto torch_g = params<double>(loss);
  io::load_safetensors(torch_g, d + "/grads64.safetensors");  // torch's [out, in] transposed back
  double gworst = 0, gmax = 0;
  g.for_each([&](auto var, auto const& t) {
    for (std::size_t i = 0; i < t.size; ++i) {
      gworst = std::max(gworst, std::abs(t.data[i] - torch_g[var].data[i]));
      gmax = std::max(gmax, std::abs(torch_g[var].data[i]));
    }
  });
  BOOST_TEST_MESSAGE("gradients (double): largest difference from torch "
                     << gworst << " (largest entry " << gmax << ")");
  BOOST_TEST(gmax > 1e-3);  // a gradient that is not trivially zero
  BOOST_TEST(gworst <= 1e-10);
}

BOOST_AUTO_TEST_CASE(f16_and_bf16_weights_read_as_torch_converts_them) {
  std::string const d = dir();
  for (std::string kind : {"f16", "bf16"}) {
    auto low = params<float>(loss);
    auto torch_f32 = params<float>(loss);
    io::load_safetensors(low, d + "/model_" + kind + ".safetensors");
    io::load_safetensors(torch_f32, d + "/model_" + kind + "_as_f32.safetensors");
    // Tensor by tensor: memcmp of the whole sets would compare their padding too.
    std::size_t differing = 0;
    low.for_each([&](auto var, auto const& t) {
      differing += std::memcmp(t.data.data(), torch_f32[var].data.data(), sizeof t.data) != 0;
    });
    BOOST_TEST(differing == 0u, kind << ": bit for bit");
  }
}

BOOST_AUTO_TEST_CASE(fine_tune_and_export_back) {
  std::string const d = dir();
  auto p = params<float>(loss);
  io::load_safetensors(p, d + "/model32.safetensors");
  data_set<float> data{};
  io::load_safetensors(data, d + "/data.safetensors");
  optim::sgd<decltype(p)> opt({.lr = 0.5f});
  auto g = p;
  float const first = grad_into(loss, g, p, X = data[X], Y = data[Y]);
  float last = first;
  for (int step = 0; step < 50; ++step) {
    opt.step(p, g);
    last = grad_into(loss, g, p, X = data[X], Y = data[Y]);
  }
  BOOST_TEST_MESSAGE("fine-tuning: loss " << first << " -> " << last);
  BOOST_TEST(last < first);
  // Saved under torch's own names, so that load_state_dict(strict=True) takes them.
  io::save_safetensors(p, d + "/finetuned.safetensors", io::linear_modules({"0", "2"}));
  var_set<float, std::remove_cv_t<decltype(Out)>> out{};
  out[Out] = eval(logits, p, X = data[X]);
  io::save_safetensors(out, d + "/ctgrad_out.safetensors");
}
