"""PyTorch peer of bench/train-step.bench.ts: one training step of chapter 1's char-RNN.

Run by the TypeScript bench as `/usr/bin/python3 train_step_torch.py '<json config>'`; prints one
JSON object with the median CPU milliseconds per step in float64 and float32, one thread.

The model matches the course's: embedding [V, D] -> tanh RNN (batch-first) -> affine [H, V] ->
softmax cross-entropy summed over the T steps and averaged over the N streams (eq. 1.10), the
hidden state carried across chunks and detached (truncated BPTT), clipping by the global norm
(eq. 1.12), Adam. (PyTorch's nn.RNN has two bias vectors where the course has one: H more
additions per step, nothing measurable.)
"""

import json
import sys
import time

import torch

cfg = json.loads(sys.argv[1])
N, T, D, H, V = cfg["N"], cfg["T"], cfg["D"], cfg["H"], cfg["V"]
torch.set_num_threads(1)
torch.manual_seed(0)


def bench(dtype):
    embed = torch.nn.Embedding(V, D).to(dtype)
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", batch_first=True).to(dtype)
    affine = torch.nn.Linear(H, V).to(dtype)
    params = [*embed.parameters(), *rnn.parameters(), *affine.parameters()]
    opt = torch.optim.Adam(params, lr=cfg["lr"])
    chunks = [
        (torch.randint(0, V, (N, T)), torch.randint(0, V, (N, T))) for _ in range(cfg["chunks"])
    ]
    h = torch.zeros(1, N, H, dtype=dtype)

    def step(k):
        nonlocal h
        inputs, targets = chunks[k % len(chunks)]
        opt.zero_grad()
        hs, h_last = rnn(embed(inputs), h)  # [N, T, H]
        logits = affine(hs)  # [N, T, V]
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, V), targets.reshape(-1), reduction="sum"
        ) / N
        loss.backward()
        h = h_last.detach()
        torch.nn.utils.clip_grad_norm_(params, cfg["maxNorm"])
        opt.step()

    for k in range(cfg["warmup"]):
        step(k)
    samples = []
    for k in range(cfg["steps"]):
        t0 = time.process_time()
        step(k)
        samples.append((time.process_time() - t0) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


print(
    json.dumps(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "float64": bench(torch.float64),
            "float32": bench(torch.float32),
        }
    )
)
