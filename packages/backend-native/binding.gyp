{
  "targets": [
    {
      "target_name": "difflm_native",
      "sources": [
        "native/addon.cc",
        "native/gemm.cc",
        "native/elementwise.cc",
        "native/reduce.cc",
        "native/transpose.cc",
        "native/fused.cc",
        "native/blocks.cc",
        "native/strided-copy.cc",
        "native/parallel.cc",
        "native/loss.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-O3", "-march=native", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd", "-std=c++17", "-pthread"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lopenblas", "-pthread"]
    }
  ]
}
