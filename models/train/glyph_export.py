"""Export tensorloupe-glyph-vit: ONNX, config, preprocessor config, reference.json, samples, model card.

Also holds the small helpers speech_export.py shares (ONNX export, reference.json entries).
"""
import hashlib, json, os
import numpy as np
import onnx, torch
from PIL import Image
import glyph_data
from glyph_vit import CFG, DATA, MEAN, OUT, SEED, ViTForImageClassification, datasets, to_input


# ----------------------------------------------------------------------------- shared helpers
def g9(a):  # floats with 9 significant digits (float32 round-trips)
    return [float(f"{v:.9g}") for v in np.asarray(a, np.float32).ravel().tolist()]


def tensor_entry(t):
    return {"shape": list(t.shape), "data": g9(t.detach().numpy())}


def input_entry(name, x, source, logits):
    """One reference input: flattened float32 tensor, its sha256, and the top-10 of softmax(logits)."""
    data = g9(x.numpy())
    probs = torch.softmax(logits[0].double(), -1)
    p, i = probs.topk(10)
    return {"input_name": name, "shape": list(x.shape), "data": data,
            "sha256": hashlib.sha256(np.asarray(data, "<f4").tobytes()).hexdigest(), "source": source,
            "top10": [{"ids": i.tolist(), "probs": [float(f"{v:.9g}") for v in p.tolist()]}]}


def export_onnx(model, example, in_name, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(model, (example,), path, input_names=[in_name], output_names=["logits"],
                      dynamic_axes={in_name: {0: "batch_size"}, "logits": {0: "batch_size"}},
                      opset_version=17, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    assert "LayerNormalization" in ops and "Softmax" in ops, ops
    print(f"exported {path}: {os.path.getsize(path)} bytes, ops {ops}")


def write_reference(model, kind, name, entries, example, extra=None):
    """reference.json (models/train/REFERENCE_FORMAT.md); activations for entries[0]'s input."""
    hooks = {}
    with torch.no_grad():
        model(example, hooks)
    acts = {"activations_input": 0}
    acts.update({k: tensor_entry(v) for k, v in hooks.items()})
    ref = {"model": name, "torch_version": torch.__version__, "kind": kind, "inputs": entries, "activations": acts}
    ref.update(extra or {})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", name, "reference.json")
    json.dump(ref, open(path, "w"), separators=(",", ":"))
    print(f"wrote {path}: {os.path.getsize(path)} bytes, hooks {len(hooks)}")


# ----------------------------------------------------------------------------- glyph-vit
def export_all():
    model = ViTForImageClassification(CFG, 36)
    model.load_state_dict(torch.load(os.path.join(DATA, "glyph_vit.pt")))
    model.eval()
    labels = list(glyph_data.CHARS)
    d = datasets(24, 10)
    export_onnx(model, to_input(d["xte"][:1]), "pixel_values", os.path.join(OUT, "onnx", "model.onnx"))
    config = {"architectures": ["ViTForImageClassification"], "model_type": "vit", **CFG,
              "hidden_act": "gelu", "qkv_bias": True, "hidden_dropout_prob": 0.0,
              "attention_probs_dropout_prob": 0.0, "initializer_range": 0.02, "encoder_stride": CFG["patch_size"],
              "id2label": {str(i): c for i, c in enumerate(labels)}, "label2id": {c: i for i, c in enumerate(labels)},
              "problem_type": "single_label_classification"}
    json.dump(config, open(os.path.join(OUT, "config.json"), "w"), indent=2)
    pre = {"do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": MEAN,
           "image_processor_type": "ViTImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 2,
           "rescale_factor": 1 / 255, "size": {"height": 32, "width": 32}}
    json.dump(pre, open(os.path.join(OUT, "preprocessor_config.json"), "w"), indent=2)

    # reference inputs and samples: held-out images, one per chosen character, each from its own font
    os.makedirs(os.path.join(OUT, "samples"), exist_ok=True)
    fonts = sorted(set(d["test_src"].tolist()))
    picks = []
    for k, ch in enumerate("A7QR3K"):
        font = fonts[(5 * k) % len(fonts)]
        i = int(np.nonzero((d["test_src"] == font) & (d["yte"] == labels.index(ch)))[0][0])
        picks.append((i, ch, font))
        Image.fromarray(d["xte"][i]).save(os.path.join(OUT, "samples", f"{ch}_{font.split('.')[0]}.png"))
    entries = []
    for n, (i, ch, font) in enumerate(picks[:3]):
        x = to_input(d["xte"][i:i + 1])  # [1, 3, 32, 32]
        with torch.no_grad():
            logits = model(x)
        src = (f"glyph '{ch}' rendered in {font} (held-out font), augmented (seed {SEED}); "
               f"= samples/{ch}_{font.split('.')[0]}.png through preprocessor_config.json")
        entries.append(input_entry("pixel_values", x, src, logits))
        print(f"reference {n}: '{ch}' {font} -> top1 {labels[entries[-1]['top10'][0]['ids'][0]]} "
              f"p={entries[-1]['top10'][0]['probs'][0]:.4f}")
    write_reference(model, "image-classification", "tensorloupe-glyph-vit", entries, to_input(d["xte"][picks[0][0]:picks[0][0] + 1]))
    write_card(config)


def write_card(config):
    m = json.load(open(os.path.join(OUT, "metrics.json")))
    n_params = sum(p.numel() for p in ViTForImageClassification(CFG, 36).parameters())
    card = f"""# tensorloupe-glyph-vit

A small Vision Transformer that reads one digit or capital letter (36 classes: `0`-`9`, `A`-`Z`)
from a 32x32 RGB image. Bundled with Tensorloupe so its attention maps and residual stream can be
explored offline. Built by `models/train/glyph_vit.py` (data: `glyph_data.py`, export:
`glyph_export.py`); rebuild with `bash models/train/build_media.sh`.

## Model
- ViT, pre-LayerNorm: Conv2d 4x4 stride 4 patch embedding (64 patches) + [CLS] token + learned
  positions (65), {CFG['num_hidden_layers']} blocks, hidden {CFG['hidden_size']}, {CFG['num_attention_heads']} heads,
  GELU MLP {CFG['intermediate_size']}, final LayerNorm, linear classifier on [CLS].
  {n_params:,} parameters. Module names as Hugging Face `ViTForImageClassification`.
- ONNX (opset 17, `onnx/model.onnx`): input `pixel_values [batch, 3, 32, 32]` float32,
  output `logits [batch, 36]`. Attention is plain MatMul -> Div -> Softmax -> MatMul.
- Preprocessing (`preprocessor_config.json`, as `ViTImageProcessor`): resize to 32x32 (bilinear),
  x / 255, then (x - 0.5) / 0.5 per channel.

## Data
Glyphs rendered with Pillow from the TrueType fonts Debian ships: fonts-dejavu-core (DejaVu
fonts licence, Bitstream Vera derived, free), fonts-liberation and fonts-liberation2 (SIL Open
Font License 1.1), fonts-noto-core (SIL Open Font License 1.1). Only fonts holding all 36 glyphs
are used; symbol, math and non-Latin fonts are skipped. Each glyph is also emboldened with a 2 px
stroke. Augmentation: glyph height 50-85 % of the image, shift +-12 %, rotation +-10 degrees,
random foreground/background colours with enough contrast (and colour inversion in training),
Gaussian blur half of the time, Gaussian pixel noise. No font file or image set is redistributed
except the few sample PNGs.

- Training: {m['n_train']} images from {len(m['train_fonts'])} fonts.
- Held-out test: {m['n_test']} images from {len(m['heldout_fonts'])} fonts of the font groups
  {', '.join(m['heldout_font_groups'])} (chosen with seed {SEED}; Liberation 1 and 2 count as one
  family, Noto Sans/Serif Display go with Noto Sans/Serif), never seen in training:
  {', '.join(m['heldout_fonts'])}.

## Training and results
- AdamW (lr 2e-3, cosine, weight decay 0.05), label smoothing 0.1, batch {m['batch']}, {m['steps']} steps,
  1 CPU thread: {m['train_cpu_seconds']:.0f} s of CPU time ({m['train_seconds']:.0f} s wall clock on a shared,
  oversubscribed 2-core machine), plus about a minute to render the images. Cosine cycles (each
  ends at its CPU-time budget, 840 s for the first; a later cycle restarts from the weights):
  {'; '.join(f"{s['steps']} steps from lr {s['lr']:g}, {s['cpu_seconds']:.0f} CPU-s, held-out accuracy after it {100 * s['heldout_accuracy']:.1f} %" for s in m.get('stages', []))}.
- **Held-out-font accuracy: {100 * m['heldout_accuracy']:.2f} %** (bar: 90 %).

## Files
- `reference.json`: PyTorch outputs for 3 held-out images and every activation of the first
  (see `models/train/REFERENCE_FORMAT.md`); `samples/*.png`: a few held-out images.
- `metrics.json`: the figures above.
"""
    path = os.path.join(OUT, "MODEL_CARD.md")
    # the "Cross-modal map" section is written by hand from `tensorloupe crossmap` runs; a rebuild keeps it (rerun them)
    old = open(path).read() if os.path.exists(path) else ""
    card += old[old.index("\n## Cross-modal map"):] if "\n## Cross-modal map" in old else ""
    open(path, "w").write(card)


if __name__ == "__main__":
    torch.set_num_threads(1)
    export_all()
