"""One training step of torch.nn.LSTM, timed: the peer of bench/lstm-step.bench.ts.

    /usr/bin/python3 packages/lstm-gru/bench/torch_lstm_step.py N T D H

One layer, batch_first, one thread (torch.set_num_threads(1)), in float64 and in float32. A
step is what the TypeScript bench times: forward from zero states, the loss
mean((h - target)^2) over every hidden state, backward, and one Adam update. After a warm-up,
steps are timed until about `seconds` have passed; prints one JSON line with the median wall
and CPU (process) milliseconds per step for each dtype.
"""

import json
import sys
import time

import torch


def bench(dtype, N, T, D, H, seconds=3.0):
    torch.manual_seed(0)
    layer = torch.nn.LSTM(D, H, batch_first=True).to(dtype)
    opt = torch.optim.Adam(layer.parameters(), lr=1e-3)
    x = torch.randn(N, T, D, dtype=dtype)
    target = torch.randn(N, T, H, dtype=dtype)

    def step():
        opt.zero_grad()
        out, _ = layer(x)
        loss = ((out - target) ** 2).mean()
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    walls, cpus = [], []
    start = time.perf_counter()
    while len(walls) < 5 or time.perf_counter() - start < seconds:
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        walls.append((time.perf_counter() - w0) * 1000)
        cpus.append((time.process_time() - c0) * 1000)
    walls.sort()
    cpus.sort()
    return {"wallMs": walls[len(walls) // 2], "cpuMs": cpus[len(cpus) // 2], "steps": len(walls)}


def main():
    N, T, D, H = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(1)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "float64": bench(torch.float64, N, T, D, H),
        "float32": bench(torch.float32, N, T, D, H),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
