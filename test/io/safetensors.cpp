// SPDX-License-Identifier: BSL-1.0
// safetensors: files written here byte by byte (the JSON header as text, the values by
// their IEEE bits), as PyTorch names them, load into the net with nn.Linear's transpose;
// F64, F16 and BF16 are read exactly; save then load is bit-exact; every way a file can be
// wrong is an io::error naming the file and the tensor, with the set left untouched.
#define BOOST_TEST_MODULE io.safetensors
#include <boost/test/unit_test.hpp>

#include <ctgrad/ctgrad.hpp>
#include <ctgrad/io/safetensors.hpp>

#include "support/random.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ctgrad;
namespace fs = std::filesystem;

constexpr auto X = input<"X", 2, 3>;
constexpr auto net = sequential(X, layer::dense<4>, layer::relu, layer::dense<2>);
using set_t = param_set<float, std::remove_cv_t<decltype(net)>>;
constexpr auto W1 = param<"W1", 3, 4>;
constexpr auto b1 = param<"b1", 4>;
constexpr auto W2 = param<"W2", 4, 2>;
constexpr auto b2 = param<"b2", 2>;

struct temp_dir {
  fs::path dir = fs::temp_directory_path() / ("ctgrad_st_test_" + std::to_string(::getpid()));
  temp_dir() { fs::create_directories(dir); }
  ~temp_dir() { fs::remove_all(dir); }
  std::string file(char const* name) const { return (dir / name).string(); }
};

using bytes = std::vector<unsigned char>;
void put_le(bytes& b, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
bytes f32(std::vector<float> const& v) {
  bytes b;
  for (float x : v) {
    std::uint32_t u;
    std::memcpy(&u, &x, 4);
    put_le(b, u, 4);
  }
  return b;
}
// A safetensors file: the header length, the JSON text as given, the data.
bytes st_file(std::string const& json, bytes const& data) {
  bytes b;
  put_le(b, json.size(), 8);
  b.insert(b.end(), json.begin(), json.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}
void write_all(std::string const& path, bytes const& b) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<char const*>(b.data()), static_cast<std::streamsize>(b.size()));
}
bytes read_all(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)).state_dict(): weights [out, in].
// Value of entry k of tensor t: t * 100 + k, so every position is recognisable.
std::string const torch_json =
    R"({"__metadata__":{"format":"pt"},"0.weight":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},)"
    R"("0.bias":{"dtype":"F32","shape":[4],"data_offsets":[48,64]},)"
    R"("2.weight":{"dtype":"F32","shape":[2,4],"data_offsets":[64,96]},)"
    R"("2.bias":{"dtype":"F32","shape":[2],"data_offsets":[96,104]}})";
bytes torch_data() {
  std::vector<float> v;
  int const sizes[] = {12, 4, 8, 2};
  for (int t = 0; t < 4; ++t)
    for (int k = 0; k < sizes[t]; ++k) v.push_back(static_cast<float>(t * 100 + k));
  return f32(v);
}

template <class Set>
std::string load_error(Set& s, std::string const& path, io::name_map const& names = {},
                       std::string const& architecture = {}) {
  Set const before = s;
  try {
    io::load_safetensors(s, path, names, architecture);
  } catch (io::error const& e) {
    BOOST_TEST((s == before));
    return e.what();
  }
  return "(no error)";
}

BOOST_AUTO_TEST_CASE(a_torch_state_dict_loads_with_the_linear_transpose) {
  temp_dir t;
  write_all(t.file("m.safetensors"), st_file(torch_json, torch_data()));
  set_t p{};
  io::load_safetensors(p, t.file("m.safetensors"));
  for (int i = 0; i < 3; ++i)
    for (int o = 0; o < 4; ++o) BOOST_TEST(p[W1](i, o) == static_cast<float>(0 * 100 + o * 3 + i));
  for (int o = 0; o < 4; ++o) BOOST_TEST(p[b1](o) == static_cast<float>(100 + o));
  for (int i = 0; i < 4; ++i)
    for (int o = 0; o < 2; ++o) BOOST_TEST(p[W2](i, o) == static_cast<float>(200 + o * 4 + i));
  for (int o = 0; o < 2; ++o) BOOST_TEST(p[b2](o) == static_cast<float>(300 + o));
}

BOOST_AUTO_TEST_CASE(modules_are_matched_in_natural_order_or_by_a_name_map) {
  temp_dir t;
  // Modules "10" and "2": "2" is the first Linear (a string sort would take "10").
  std::string json = torch_json;
  json.replace(json.find("\"0.weight"), 9, "\"2.weight");
  json.replace(json.find("\"0.bias"), 7, "\"2.bias");
  json.replace(json.rfind("\"2.weight"), 9, "\"10.weight");
  json.replace(json.rfind("\"2.bias"), 7, "\"10.bias");
  write_all(t.file("n.safetensors"), st_file(json, torch_data()));
  set_t p{};
  io::load_safetensors(p, t.file("n.safetensors"));
  BOOST_TEST(p[W1](2, 3) == 11.0f);
  BOOST_TEST(p[b2](1) == 301.0f);

  std::string named = torch_json;
  named.replace(named.find("\"0.weight"), 9, "\"fc1.weight");
  named.replace(named.find("\"0.bias"), 7, "\"fc1.bias");
  named.replace(named.find("\"2.weight"), 9, "\"out.weight");
  named.replace(named.find("\"2.bias"), 7, "\"out.bias");
  write_all(t.file("fc.safetensors"), st_file(named, torch_data()));
  set_t q{};
  io::load_safetensors(q, t.file("fc.safetensors"), io::linear_modules({"fc1", "out"}));
  BOOST_TEST((p == q));
  // One entry by hand, the rest by the rule; here out.* by the rule is the only Linear left.
  set_t r{};
  io::load_safetensors(r, t.file("fc.safetensors"),
                       {{"W1", "fc1.weight", true}, {"b1", "fc1.bias", false}});
  BOOST_TEST((p == r));
}

// nn.Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), ReLU, Flatten, Linear(8, 3)).state_dict():
// the conv's weight as it is, the Linear's transposed, batch norm's tensors by their names,
// and its I64 step count skipped. Entry k of tensor t is t * 100 + k.
constexpr auto C1 = param<"W1", 2, 1, 3, 3>;
constexpr auto c1 = param<"b1", 2>;
constexpr auto bn_weight = param<"1.weight", 2>;
constexpr auto bn_bias = param<"1.bias", 2>;
constexpr auto bn_mean = param<"1.running_mean", 2>;
constexpr auto bn_var = param<"1.running_var", 2>;
constexpr auto L2 = param<"W2", 8, 3>;
constexpr auto l2 = param<"b2", 3>;
using cnn_set = var_set<float, std::remove_cv_t<decltype(C1)>, std::remove_cv_t<decltype(c1)>,
                        std::remove_cv_t<decltype(bn_weight)>, std::remove_cv_t<decltype(bn_bias)>,
                        std::remove_cv_t<decltype(bn_mean)>, std::remove_cv_t<decltype(bn_var)>,
                        std::remove_cv_t<decltype(L2)>, std::remove_cv_t<decltype(l2)>>;
bytes cnn_file() {
  struct entry {
    std::string name, shape;
    int count;
  };
  std::vector<entry> const es = {{"0.weight", "[2,1,3,3]", 18}, {"0.bias", "[2]", 2},
                                 {"1.weight", "[2]", 2},        {"1.bias", "[2]", 2},
                                 {"1.running_mean", "[2]", 2},  {"1.running_var", "[2]", 2},
                                 {"4.weight", "[3,8]", 24},     {"4.bias", "[3]", 3}};
  std::string json = "{";
  std::vector<float> v;
  for (std::size_t t = 0; t < es.size(); ++t) {
    json += "\"" + es[t].name + "\":{\"dtype\":\"F32\",\"shape\":" + es[t].shape +
            ",\"data_offsets\":[" + std::to_string(v.size() * 4) + "," +
            std::to_string((v.size() + static_cast<std::size_t>(es[t].count)) * 4) + "]},";
    for (int k = 0; k < es[t].count; ++k)
      v.push_back(static_cast<float>(static_cast<int>(t) * 100 + k));
  }
  bytes data = f32(v);
  json += "\"1.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[" +
          std::to_string(data.size()) + "," + std::to_string(data.size() + 8) + "]}}";
  put_le(data, 60, 8);
  return st_file(json, data);
}

BOOST_AUTO_TEST_CASE(conv_layers_are_torch_convs_and_batch_norm_tensors_map_by_name) {
  temp_dir t;
  write_all(t.file("cnn.safetensors"), cnn_file());
  cnn_set p{};
  io::load_safetensors(p, t.file("cnn.safetensors"));
  for (int k = 0; k < 18; ++k)
    BOOST_TEST(p[C1].data[static_cast<std::size_t>(k)] == static_cast<float>(k));
  BOOST_TEST(p[c1](1) == 101.0f);
  BOOST_TEST(p[bn_weight](1) == 201.0f);
  BOOST_TEST(p[bn_bias](0) == 300.0f);
  BOOST_TEST(p[bn_mean](1) == 401.0f);
  BOOST_TEST(p[bn_var](1) == 501.0f);
  for (int i = 0; i < 8; ++i)
    for (int o = 0; o < 3; ++o) BOOST_TEST(p[L2](i, o) == static_cast<float>(600 + o * 8 + i));
  BOOST_TEST(p[l2](2) == 702.0f);
  // Saved under the torch module names: the conv as it is, the Linear transposed.
  io::save_safetensors(p, t.file("back.safetensors"), io::layer_modules(p, {"0", "4"}));
  bytes const b = read_all(t.file("back.safetensors"));
  std::string const header(b.begin() + 8, b.end());
  BOOST_TEST(header.find(R"("0.weight":{"data_offsets":[0,72],"dtype":"F32","shape":[2,1,3,3]})") !=
             std::string::npos);
  BOOST_TEST(header.find(R"("4.weight":{"data_offsets":[112,208],"dtype":"F32","shape":[3,8]})") !=
             std::string::npos);
  BOOST_TEST(header.find(R"("1.running_var":)") != std::string::npos);
  cnn_set q{};
  io::load_safetensors(q, t.file("back.safetensors"));
  BOOST_TEST((p == q));
  // The default saving rule numbers the layers 0, 1 (W1 -> "0.*", W2 -> "1.*"), which here
  // clashes with batch norm's "1.weight": the error says so.
  std::string e;
  try {
    io::save_safetensors(p, t.file("clash.safetensors"));
  } catch (io::error const& err) {
    e = err.what();
  }
  BOOST_TEST(
      e.find(R"(parameters "1.weight" and "W2" are both tensor "1.weight")") != std::string::npos,
      e);
  // A parameter that takes the step count cannot read its I64.
  constexpr auto steps = param<"1.num_batches_tracked">;
  var_set<float, std::remove_cv_t<decltype(steps)>> count{};
  BOOST_TEST(load_error(count, t.file("cnn.safetensors"))
                 .find(R"(parameter "1.num_batches_tracked": dtype I64 is not one ctgrad reads)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(f64_f16_and_bf16_are_read_exactly) {
  temp_dir t;
  constexpr auto s = param<"s", 6>;
  using dset = var_set<double, std::remove_cv_t<decltype(s)>>;
  // F16: 1, -2.5, 65504 (max), 2^-24 (smallest subnormal), 2^-14 (smallest normal), -inf.
  bytes h;
  for (std::uint16_t v : {0x3C00, 0xC100, 0x7BFF, 0x0001, 0x0400, 0xFC00}) put_le(h, v, 2);
  write_all(t.file("h.safetensors"),
            st_file(R"({"s":{"dtype":"F16","shape":[6],"data_offsets":[0,12]}})", h));
  dset d{};
  io::load_safetensors(d, t.file("h.safetensors"));
  double const want_h[] = {1.0,
                           -2.5,
                           65504.0,
                           std::ldexp(1.0, -24),
                           std::ldexp(1.0, -14),
                           -std::numeric_limits<double>::infinity()};
  for (int i = 0; i < 6; ++i) BOOST_TEST(d[s](i) == want_h[i]);
  // BF16: 1, -2.5, 3.140625 (0x4049), 2^-133 (a subnormal), NaN, 0.
  bytes bf;
  for (std::uint16_t v : {0x3F80, 0xC020, 0x4049, 0x0001, 0x7FC0, 0x0000}) put_le(bf, v, 2);
  write_all(t.file("bf.safetensors"),
            st_file(R"({"s":{"dtype":"BF16","shape":[6],"data_offsets":[0,12]}})", bf));
  io::load_safetensors(d, t.file("bf.safetensors"));
  BOOST_TEST(d[s](0) == 1.0);
  BOOST_TEST(d[s](1) == -2.5);
  BOOST_TEST(d[s](2) == 3.140625);
  BOOST_TEST(d[s](3) == std::ldexp(1.0, -133));
  BOOST_TEST(std::isnan(d[s](4)));
  BOOST_TEST(d[s](5) == 0.0);
  // F64 into a float set: rounded to float.
  bytes f;
  double const v[] = {0.1, -1e300};
  for (double x : v) {
    std::uint64_t u;
    std::memcpy(&u, &x, 8);
    put_le(f, u, 8);
  }
  constexpr auto c = param<"c", 2>;
  var_set<float, std::remove_cv_t<decltype(c)>> fs{};
  write_all(t.file("d.safetensors"),
            st_file(R"({"c":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}})", f));
  io::load_safetensors(fs, t.file("d.safetensors"));
  BOOST_TEST(fs[c](0) == 0.1f);
  BOOST_TEST(fs[c](1) == -std::numeric_limits<float>::infinity());
}

BOOST_AUTO_TEST_CASE(save_writes_torch_names_and_loads_back_bit_exact) {
  temp_dir t;
  set_t a{};
  test::fill_normal(a, 5);
  a[W1](0, 0) = -0.0f;
  io::save_safetensors(a, t.file("a.safetensors"));
  BOOST_TEST(!fs::exists(t.file("a.safetensors.tmp")));
  bytes const b = read_all(t.file("a.safetensors"));
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= static_cast<std::uint64_t>(b[static_cast<std::size_t>(i)]) << (8 * i);
  BOOST_TEST(n % 8 == 0);
  std::string const header(b.begin() + 8, b.begin() + 8 + static_cast<long>(n));
  BOOST_TEST_MESSAGE(header);
  BOOST_TEST(header.find(R"("0.weight":{"data_offsets":[0,48],"dtype":"F32","shape":[4,3]})") !=
             std::string::npos);
  BOOST_TEST(header.find(R"("1.bias":{"data_offsets":[96,104],"dtype":"F32","shape":[2]})") !=
             std::string::npos);
  // The file's 0.weight is W1 transposed: entry (o, i) at offset (o * 3 + i) * 4.
  float w;
  std::memcpy(&w, b.data() + 8 + n + (2 * 3 + 1) * 4, 4);
  BOOST_TEST(w == a[W1](1, 2));
  set_t back{};
  io::load_safetensors(back, t.file("a.safetensors"));
  std::size_t differing = 0;  // bit for bit, tensor by tensor (not the sets' padding)
  a.for_each([&](auto var, auto const& t) {
    differing += std::memcmp(t.data.data(), back[var].data.data(), sizeof t.data) != 0;
  });
  BOOST_TEST(differing == 0u);

  auto d = params<double>(net);
  test::fill_normal(d, 6);
  io::save_safetensors(d, t.file("d.safetensors"), io::linear_modules({"fc1", "fc2"}));
  decltype(d) d2{};
  io::load_safetensors(d2, t.file("d.safetensors"), io::linear_modules({"fc1", "fc2"}));
  BOOST_TEST((d == d2));
  decltype(d) d3{};
  io::load_safetensors(d3, t.file("d.safetensors"));  // the rule finds fc1 < fc2 too
  BOOST_TEST((d == d3));
}

BOOST_AUTO_TEST_CASE(every_mismatch_names_the_file_and_the_tensor) {
  temp_dir t;
  set_t s{};
  test::fill_normal(s, 9);
  auto expect = [&](std::string const& name, std::string const& json, bytes const& data,
                    std::string const& says, io::name_map const& names = {}) {
    std::string const path = t.file(name.c_str());
    write_all(path, st_file(json, data));
    std::string const e = load_error(s, path, names);
    BOOST_TEST_MESSAGE(e);
    BOOST_TEST(e.find("ctgrad::io::load_safetensors(\"" + path + "\"): ") == 0);
    BOOST_TEST(e.find(says) != std::string::npos, name << ": " << e);
  };
  bytes const data = torch_data();
  auto with = [](std::string json, std::string const& from, std::string const& to) {
    json.replace(json.find(from), from.size(), to);
    return json;
  };
  expect("missing.safetensors",
         with(torch_json, R"("2.bias":{"dtype":"F32","shape":[2],"data_offsets":[96,104]})",
              R"("x":{"dtype":"F32","shape":[2],"data_offsets":[96,104]})"),
         data, "the network has 2 dense/conv layers, the file 1 nn.Linear/Conv modules (0)");
  expect("missing_mapped.safetensors", torch_json, data,
         "parameter \"W2\" (tensor \"fc2.weight\") is not in the file",
         io::linear_modules({"0", "fc2"}));
  expect("extra.safetensors",
         with(torch_json, R"("0.bias")",
              R"("extra":{"dtype":"F32","shape":[0],"data_offsets":[104,104]},"0.bias")"),
         data, "tensor \"extra\" [0] of the file is no parameter of the network");
  expect("shape.safetensors",
         with(with(torch_json, R"([4,3],"data_offsets":[0,48])", R"([3,4],"data_offsets":[0,48])"),
              "", ""),
         data,
         "parameter \"W1\" (tensor \"0.weight\") is [3, 4] in the file but [4, 3] in the network");
  expect("dtype.safetensors",
         with(torch_json, R"("dtype":"F32","shape":[4],)", R"("dtype":"I32","shape":[4],)"), data,
         "tensor \"0.bias\": dtype I32 is not one ctgrad reads");
  expect("bytes.safetensors", with(torch_json, "[48,64]", "[48,60]"), data,
         "tensor \"0.bias\": data_offsets hold 12 bytes, shape [4] of F32 needs 16");
  expect("outside.safetensors", with(torch_json, "[96,104]", "[96,112]"), data,
         "tensor \"2.bias\": data_offsets [96, 112] are outside the data (104 bytes)");
  expect("overlap.safetensors", with(torch_json, "[96,104]", "[88,96]"), data, "overlap");
  expect("json.safetensors", "{\"0.weight\": [", data, "the header is not JSON");
  expect("array.safetensors", "[1, 2]", data, "the header is not a JSON object");
  expect("entry.safetensors",
         with(torch_json, R"({"dtype":"F32","shape":[4],"data_offsets":[48,64]})", "7"), data,
         "tensor \"0.bias\": its entry is not an object");
  expect("negative.safetensors", with(torch_json, "[4,3]", "[4,-3]"), data,
         "tensor \"0.weight\": a dimension of \"shape\" is not a non-negative integer");
  expect("map.safetensors", torch_json, data,
         "the name map names parameter \"W9\", which the network does not have",
         {{"W9", "0.weight", true}});

  // Truncated: inside the length, inside the header, inside the data.
  bytes const good = st_file(torch_json, data);
  for (std::size_t cut :
       {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{100}, good.size() - 1}) {
    std::string const path = t.file("cut.safetensors");
    write_all(path, bytes(good.begin(), good.begin() + static_cast<long>(cut)));
    std::string const e = load_error(s, path);
    BOOST_TEST_MESSAGE(e);
    BOOST_TEST(e.find("ctgrad::io::load_safetensors(\"" + path + "\"): ") == 0);
    BOOST_TEST((e.find("truncated") != std::string::npos), cut << ": " << e);
  }
  std::string const e = load_error(s, t.file("no_such.safetensors"));
  BOOST_TEST(e.find("no_such.safetensors\"): cannot open") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_architecture_is_recorded_in_the_metadata) {
  temp_dir t;
  constexpr auto tanh_net = sequential(X, layer::dense<4>, layer::tanh, layer::dense<2>);
  set_t a{};
  test::fill_normal(a, 12);
  std::string const path = t.file("arch.safetensors");
  io::save_safetensors(a, path, {}, to_string(net));
  bytes const b = read_all(path);
  BOOST_TEST(std::string(b.begin(), b.end())
                 .find(R"("ctgrad.architecture":"relu(X @ W1 + b1) @ W2 + b2")") !=
             std::string::npos);
  set_t c{};
  io::load_safetensors(c, path, {}, to_string(net));
  BOOST_TEST((a == c));
  std::string const e = load_error(c, path, {}, to_string(tanh_net));
  BOOST_TEST(e ==
             "ctgrad::io::load_safetensors(\"" + path +
                 "\"): another architecture: the file was saved from "
                 "\"relu(X @ W1 + b1) @ W2 + b2\", the network is \"tanh(X @ W1 + b1) @ W2 + b2\"");
  // A file without the key (torch's) loads with any architecture: nothing to compare with.
  write_all(t.file("torch.safetensors"), st_file(torch_json, torch_data()));
  io::load_safetensors(c, t.file("torch.safetensors"), {}, to_string(tanh_net));
  std::string bad = torch_json;
  bad.replace(bad.find(R"("format":"pt")"), 13, R"("ctgrad.architecture":7)");
  write_all(t.file("bad.safetensors"), st_file(bad, torch_data()));
  BOOST_TEST(
      load_error(c, t.file("bad.safetensors")).find("\"ctgrad.architecture\" is not a string") !=
      std::string::npos);
}
