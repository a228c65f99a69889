// Module entry: registers the kernels and reports which OpenBLAS build and kernel are in use.
#include <cblas.h>
#include "args.h"
#include "parallel.h"

namespace difflm {

static Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("corename", openblas_get_corename());
  o.Set("config", openblas_get_config());
  o.Set("threads", blasThreads());
  o.Set("elementwiseThreads", poolThreads());
  // 0 = sequential, 1 = pthreads, 2 = OpenMP (openblas_get_parallel's codes).
  int p = openblas_get_parallel();
  o.Set("parallel", p == 0 ? "sequential" : p == 1 ? "pthreads" : "openmp");
  return o;
}

static Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  setBlasThreads(static_cast<int>(i64(info, 0)));
  setPoolThreads(static_cast<int>(i64(info, 0)));
  return info.Env().Undefined();
}

static Napi::Value SetElementwiseThreads(const Napi::CallbackInfo& info) {
  setPoolThreads(static_cast<int>(i64(info, 0)));
  return info.Env().Undefined();
}

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  blasThreads();  // starts the pool, which takes over OpenBLAS's thread count and makes OpenBLAS single-threaded
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("setElementwiseThreads", Napi::Function::New(env, SetElementwiseThreads));
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("compare", Napi::Function::New(env, Compare));
  exports.Set("select", Napi::Function::New(env, Select));
  exports.Set("clip", Napi::Function::New(env, Clip));
  exports.Set("reduceInner", Napi::Function::New(env, ReduceInner));
  exports.Set("reduceOuter", Napi::Function::New(env, ReduceOuter));
  exports.Set("transpose", Napi::Function::New(env, Transpose));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("stridedCopy", Napi::Function::New(env, StridedCopy));
  exports.Set("attentionForward", Napi::Function::New(env, AttentionForward));
  exports.Set("attentionBackward", Napi::Function::New(env, AttentionBackward));
  exports.Set("rmsNormForward", Napi::Function::New(env, RmsNormForward));
  exports.Set("rmsNormBackward", Napi::Function::New(env, RmsNormBackward));
  exports.Set("biasSquaredRelu", Napi::Function::New(env, BiasSquaredRelu));
  exports.Set("biasSquaredReluBackward", Napi::Function::New(env, BiasSquaredReluBackward));
  exports.Set("qkNormRopeForward", Napi::Function::New(env, QkNormRopeForward));
  exports.Set("qkNormRopeBackward", Napi::Function::New(env, QkNormRopeBackward));
  exports.Set("adamwUpdate", Napi::Function::New(env, AdamWUpdate));
  exports.Set("lapropUpdate", Napi::Function::New(env, LaPropUpdate));
  exports.Set("giddKlIsForward", Napi::Function::New(env, GiddKlIsForward));
  exports.Set("giddKlIsBackward", Napi::Function::New(env, GiddKlIsBackward));
  exports.Set("embeddingBackward", Napi::Function::New(env, EmbeddingBackward));
  exports.Set("sumSquares", Napi::Function::New(env, SumSquares));
  return exports;
}

}  // namespace difflm

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return difflm::Init(env, exports); }

NODE_API_MODULE(difflm_native, InitModule)
