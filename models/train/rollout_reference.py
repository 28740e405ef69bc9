"""numpy attention rollout (Abnar & Zuidema 2020, vit-explain's head fusion and discard ratio,
rows normalised as the paper says) of the glyph ViT's reference attention patterns
(models/tensorloupe-glyph-vit/reference.json) -> test/fixtures/references/rollout.json, for
test/unit/rollout.test.ts. Run with /usr/bin/python3."""
import json, os
import numpy as np

HERE = os.path.dirname(__file__)
REF = json.load(open(os.path.join(HERE, "..", "tensorloupe-glyph-vit", "reference.json")))


def rollout(patterns, fusion, discard_ratio):
    T = patterns[0].shape[-1]
    result = np.eye(T)
    for a in patterns:  # [heads, T, T]
        fused = {"mean": a.mean(0), "max": a.max(0), "min": a.min(0)}[fusion].astype(np.float64)
        flat = fused.reshape(-1)
        k = int(flat.size * discard_ratio)
        idx = np.argsort(flat, kind="stable")[:k]
        idx = idx[idx != 0]
        flat[idx] = 0
        fused = (fused + np.eye(T)) / 2
        fused = fused / fused.sum(-1, keepdims=True)
        result = fused @ result
    return result


def main():
    acts = REF["activations"]
    layers = sorted(int(k.split(".")[1]) for k in acts if k.endswith("attn.hook_pattern"))
    patterns = [np.array(acts[f"blocks.{l}.attn.hook_pattern"]["data"], np.float32).reshape(acts[f"blocks.{l}.attn.hook_pattern"]["shape"])[0] for l in layers]
    cases = []
    for fusion, ratio in [("mean", 0.0), ("mean", 0.9), ("max", 0.5), ("min", 0.2), ("max", 0.97)]:
        r = rollout(patterns, fusion, ratio)
        mask = r[0, 1:] / r[0, 1:].max()
        cases.append({"fusion": fusion, "discard_ratio": ratio, "rollout": [float("%.9g" % v) for v in r.reshape(-1)], "cls_map": [float("%.9g" % v) for v in mask]})
    out = os.path.join(HERE, "..", "..", "test", "fixtures", "references", "rollout.json")
    json.dump({"source": "models/tensorloupe-glyph-vit/reference.json blocks.*.attn.hook_pattern", "tokens": int(patterns[0].shape[-1]), "heads": int(patterns[0].shape[0]), "cases": cases}, open(out, "w"))


if __name__ == "__main__":
    main()
