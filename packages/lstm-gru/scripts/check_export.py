"""Loads the models exported by scripts/export-model.ts into PyTorch and compares outputs.

    npm run export:pytorch -w @rnn-course/lstm-gru
    /usr/bin/python3 packages/lstm-gru/scripts/check_export.py [FILE]

For the LSTM and the GRU in FILE (default .course/lab-output/lstm-gru/trained-models.json):
builds torch.nn.LSTM / torch.nn.GRU (one layer, batch_first, float64) and a torch.nn.Linear
read-out, loads the exported state_dicts with load_state_dict (strict: every key, every shape),
runs the held-out batch, and prints the largest relative error (the CS231n formula,
|a - b| / max(1e-8, |a| + |b|)) against the outputs computed in TypeScript: the hidden states
at every step, the final states, and the prediction. Exits with status 1 above 1e-10.
"""

import json
import os
import sys

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
DEFAULT = os.path.join(ROOT, ".course", "lab-output", "lstm-gru", "trained-models.json")


def rel_error(a, b):
    a = torch.as_tensor(a, dtype=torch.float64)
    b = torch.as_tensor(b, dtype=torch.float64)
    return ((a - b).abs() / torch.clamp(a.abs() + b.abs(), min=1e-8)).max().item()


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    with open(path) as f:
        doc = json.load(f)
    x = torch.tensor(doc["x"], dtype=torch.float64)
    worst = 0.0
    print(f"PyTorch {torch.__version__}, {path}")
    for kind, m in doc["models"].items():
        H = m["hiddenSize"]
        cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
        layer = cls(input_size=x.shape[2], hidden_size=H, batch_first=True).double()
        layer.load_state_dict({k: torch.tensor(v, dtype=torch.float64) for k, v in m["stateDict"].items()})
        readout = torch.nn.Linear(H, len(m["readout"]["bias"])).double()
        readout.load_state_dict(
            {
                "weight": torch.tensor(m["readout"]["weight"], dtype=torch.float64),
                "bias": torch.tensor(m["readout"]["bias"], dtype=torch.float64),
            }
        )
        with torch.no_grad():
            if kind == "lstm":
                output, (h_n, c_n) = layer(x)
            else:
                output, h_n = layer(x)
                c_n = None
            prediction = readout(output[:, -1, :])
        ours = m["ours"]
        errors = {
            "output": rel_error(output, ours["output"]),
            "h_n": rel_error(h_n[0], ours["h_n"]),
            "prediction": rel_error(prediction, ours["prediction"]),
        }
        if c_n is not None:
            errors["c_n"] = rel_error(c_n[0], ours["c_n"])
        worst = max(worst, *errors.values())
        shown = ", ".join(f"{k} {v:.1e}" for k, v in errors.items())
        print(f"{kind}: H = {H}, largest relative error against TypeScript: {shown}")
        print(f"  predictions (PyTorch): {[round(v, 6) for v in prediction[:, 0].tolist()]}")
        print(f"  targets:               {[round(v[0], 6) for v in doc['y']]}")
    ok = worst < 1e-10
    print(f"{'OK' if ok else 'MISMATCH'}: largest relative error {worst:.1e} (threshold 1e-10)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
