// The machine's sgemm peak through the addon (OpenBLAS, all its threads): best of several n×n×n products.
//   node --conditions=@difflm/source --import tsx sgemm-peak.ts [n] [reps]
import { loadAddon } from '@difflm/backend-native';

const { addon, reason } = loadAddon();
if (!addon) throw new Error(reason);
const n = Number(process.argv[2] ?? 1536);
const reps = Number(process.argv[3] ?? 8);
const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7) % 13) / 13 - 0.5);
const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 5) % 11) / 11 - 0.5);
const c = new Float32Array(n * n);
addon.gemm(a, b, c, 1, n, n, n, false, false, null, null); // warm-up: thread start, page faults
let best = Infinity;
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  addon.gemm(a, b, c, 1, n, n, n, false, false, null, null);
  best = Math.min(best, performance.now() - t0);
}
console.log(JSON.stringify({ n, bestMs: best, gflops: (2 * n * n * n) / (best / 1000) / 1e9, ...addon.info() }));
