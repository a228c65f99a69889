"""PyTorch reference of the training-speed benchmark: the same transformer (SPEC §3) and masked-diffusion loss
as bench/train-worker.ts, trained with Adam; prints one JSON line (median tokens/s, step times, peak RSS).

    OPENBLAS_NUM_THREADS=<cores> python3 pytorch_ref.py <a|b|...> <steps> <warmup> [cpu|cuda] [eager|compiled] [threads]

On the CPU (the default) torch runs with one intra-op thread while OpenBLAS (its GEMM) uses all cores: the fastest
mix measured for Debian's torch 1.13, whose GEMM is OpenBLAS. A pip-installed torch 2 brings its own GEMM (MKL or
oneDNN) and threads it itself: pass `threads` to set its intra-op threads. `compiled` (torch 2) compiles the model
with its loss (torch.compile) and the optimizer step, as PyTorch's documentation recommends; compilation happens in
the warm-up steps, so give it a few. With `cuda` the model, data and optimizer live on the GPU; loss.item() is each
step's sync point.
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F

CONFIGS = {
    "a": dict(n_layers=2, d=128, heads=4, vocab=256, batch=16, seq=128),
    "b": dict(n_layers=6, d=384, heads=6, vocab=256, batch=16, seq=256),
    # The quick study preset's smallest and largest models (byte vocabulary, N = 64, batch 16).
    "quick-small": dict(n_layers=2, d=12, heads=2, vocab=260, batch=16, seq=64),
    "quick-large": dict(n_layers=2, d=56, heads=2, vocab=260, batch=16, seq=64),
    # The paper's L8-D512 at N = 2048 with the byte vocabulary of (a) and (b), 4 sequences (a GPU config).
    "l8-d512": dict(n_layers=8, d=512, heads=8, vocab=256, batch=4, seq=2048),
}
T_MIN = 1e-3  # lower end of t, bounds the 1/t weight (same as masked-diffusion-loss.ts)
RMS_EPS = 1e-6  # SPEC §3 RMSNorm epsilon


def rms_norm(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS) * (1 + w)


class Model(torch.nn.Module):
    def __init__(self, n_layers, d, heads, vocab, seq):
        super().__init__()
        self.L, self.d, self.H, self.V = n_layers, d, heads, vocab
        dh = d // heads
        g = torch.Generator().manual_seed(1)
        bulk = lambda *s: torch.nn.Parameter(torch.randn(*s, generator=g) * (0.4 / math.sqrt(d)))
        zeros = lambda *s: torch.nn.Parameter(torch.zeros(*s))
        self.embed = torch.nn.Parameter(torch.randn(vocab, d, generator=g) * 0.02)
        self.layers = torch.nn.ModuleList()
        for _ in range(n_layers):
            m = torch.nn.Module()
            m.attn_norm, m.wqkv, m.qk_norm = zeros(d), bulk(d, 3 * d), zeros(2, d)
            m.sink_k, m.sink_v, m.wo = zeros(heads, dh), zeros(heads, dh), bulk(d, d)
            m.mlp_norm, m.w_up, m.b_up = zeros(d), bulk(d, 4 * d), zeros(4 * d)
            m.w_down, m.b_down = bulk(4 * d, d), zeros(d)
            self.layers.append(m)
        self.final_norm, self.lm_head = zeros(d), zeros(d, vocab)
        half = dh // 2
        pos = torch.arange(seq, dtype=torch.float64)[:, None]
        freq = 10000.0 ** (-2 * torch.arange(half, dtype=torch.float64) / dh)
        ang = pos * freq
        self.register_buffer("cos", torch.cat([ang.cos(), ang.cos()], -1).float())
        self.register_buffer("sin", torch.cat([-ang.sin(), ang.sin()], -1).float())

    def attention(self, x, p, B, N):
        d, H = self.d, self.H
        dh = d // H
        qkv = x @ p.wqkv
        qk, v = qkv[:, : 2 * d], qkv[:, 2 * d :]
        qk = rms_norm(qk.reshape(B * N, 2, d), p.qk_norm).reshape(B, N, 2 * H, dh)
        x1, x2 = qk[..., : dh // 2], qk[..., dh // 2 :]
        qk = qk * self.cos[:N, None, :] + torch.cat([x2, x1], -1) * self.sin[:N, None, :]
        q, k = qk[:, :, :H].transpose(1, 2), qk[:, :, H:].transpose(1, 2)  # [B, H, N, dh]
        v = v.reshape(B, N, H, dh).transpose(1, 2)
        scores = q @ k.transpose(-1, -2)
        sink = (q * p.sink_k[None, :, None, :]).sum(-1, keepdim=True)
        raw = torch.cat([sink, scores], -1)
        logits = torch.tanh(raw / (30.0 * math.sqrt(dh))) * 30.0  # soft-cap 30 with 1/sqrt(dh) folded in
        probs = torch.softmax(logits, -1)
        out = probs[..., 1:] @ v + probs[..., :1] * p.sink_v[None, :, None, :]
        return out.transpose(1, 2).reshape(B * N, d) @ p.wo

    def forward(self, tokens):
        B, N = tokens.shape
        h = self.embed[tokens.reshape(-1)]
        r = 4.0 / self.L
        for p in self.layers:
            h = h + r * self.attention(rms_norm(h, p.attn_norm), p, B, N)
            m = rms_norm(h, p.mlp_norm)
            h = h + r * (torch.relu(m @ p.w_up + p.b_up).square() @ p.w_down + p.b_down)
        return ((rms_norm(h, self.final_norm) * (512.0 / self.d)) @ self.lm_head).reshape(B, N, self.V)


def main():
    name, steps, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    device = sys.argv[4] if len(sys.argv) > 4 else "cpu"
    mode = sys.argv[5] if len(sys.argv) > 5 else "eager"
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    if device not in ("cpu", "cuda"):
        sys.exit(f"device must be cpu or cuda, got {device!r}")
    if mode not in ("eager", "compiled"):
        sys.exit(f"mode must be eager or compiled, got {mode!r}")
    if mode == "compiled" and not hasattr(torch, "compile"):
        sys.exit(f"compiled needs torch 2 (torch.compile); this is torch {torch.__version__}")
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit("device cuda asked for but torch.cuda.is_available() is false")
    c = CONFIGS[name]
    if device == "cpu":
        torch.set_num_threads(threads)
    torch.manual_seed(7)
    model = Model(c["n_layers"], c["d"], c["heads"], c["vocab"], c["seq"]).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    B, N, V = c["batch"], c["seq"], c["vocab"]
    mask_id = V - 1

    def model_loss(zt, x, weight):
        logits = model(zt)
        nll = F.cross_entropy(logits.reshape(B * N, V), x.reshape(-1), reduction="none")
        return (nll * weight.reshape(-1)).sum() / (B * N)

    def opt_step():
        opt.step()

    if mode == "compiled":
        model_loss = torch.compile(model_loss)
        opt_step = torch.compile(opt_step, fullgraph=False)
    step_ms, cpu_ms, losses = [], [], []
    for s in range(warmup + steps):
        x = torch.randint(0, mask_id, (B, N), device=device)
        t0 = time.perf_counter()
        c0 = time.process_time()
        t = T_MIN + (1 - T_MIN) * torch.rand(B, 1, device=device)
        masked = torch.rand(B, N, device=device) < t
        zt = torch.where(masked, torch.full_like(x, mask_id), x)
        weight = masked.float() / t
        loss = model_loss(zt, x, weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt_step()
        value = loss.item()
        ms = (time.perf_counter() - t0) * 1000
        losses.append(value)
        if s >= warmup:
            step_ms.append(ms)
            cpu_ms.append((time.process_time() - c0) * 1000)
    med = sorted(step_ms)[len(step_ms) // 2]
    print(json.dumps({
        "config": name, "tokensPerSec": B * N / (med / 1000), "stepMs": step_ms, "cpuMs": cpu_ms, "losses": losses,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__, "threads": torch.get_num_threads(), "device": device, "mode": mode,
        **({"gpu": torch.cuda.get_device_name(0), "peakGpuMb": torch.cuda.max_memory_allocated() / 2**20} if device == "cuda" else {}),
    }))


if __name__ == "__main__":
    main()
