// Argument helpers shared by the addon's entry points: typed-array views and small shape vectors.
#pragma once
#include <napi.h>
#include <cstdint>
#include <vector>

namespace difflm {

inline float* f32(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Float32Array>().Data();
}

inline int64_t i64(const Napi::CallbackInfo& info, size_t i) {
  return info[i].As<Napi::Number>().Int64Value();
}

/** A number argument as float (scales, epsilons, optimizer hyperparameters). */
inline float num(const Napi::CallbackInfo& info, size_t i) {
  return static_cast<float>(info[i].As<Napi::Number>().DoubleValue());
}

inline std::vector<int64_t> shape(const Napi::CallbackInfo& info, size_t i) {
  Napi::Int32Array a = info[i].As<Napi::Int32Array>();
  std::vector<int64_t> out(a.ElementLength());
  for (size_t k = 0; k < out.size(); k++) out[k] = a[k];
  return out;
}

Napi::Value Gemm(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Compare(const Napi::CallbackInfo& info);
Napi::Value Select(const Napi::CallbackInfo& info);
Napi::Value Clip(const Napi::CallbackInfo& info);
Napi::Value ReduceInner(const Napi::CallbackInfo& info);
Napi::Value ReduceOuter(const Napi::CallbackInfo& info);
Napi::Value Transpose(const Napi::CallbackInfo& info);
Napi::Value Softmax(const Napi::CallbackInfo& info);
Napi::Value StridedCopy(const Napi::CallbackInfo& info);
Napi::Value AttentionForward(const Napi::CallbackInfo& info);
Napi::Value AttentionBackward(const Napi::CallbackInfo& info);
Napi::Value RmsNormForward(const Napi::CallbackInfo& info);
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info);
Napi::Value BiasSquaredRelu(const Napi::CallbackInfo& info);
Napi::Value BiasSquaredReluBackward(const Napi::CallbackInfo& info);
Napi::Value QkNormRopeForward(const Napi::CallbackInfo& info);
Napi::Value QkNormRopeBackward(const Napi::CallbackInfo& info);
Napi::Value AdamWUpdate(const Napi::CallbackInfo& info);
Napi::Value LaPropUpdate(const Napi::CallbackInfo& info);
Napi::Value GiddKlIsForward(const Napi::CallbackInfo& info);
Napi::Value GiddKlIsBackward(const Napi::CallbackInfo& info);
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info);
Napi::Value SumSquares(const Napi::CallbackInfo& info);

}  // namespace difflm
