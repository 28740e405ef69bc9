"""tensorloupe-glyph-vit: a small ViT that reads one digit or capital letter from a 32x32 image.

    /usr/bin/python3 models/train/glyph_vit.py            # data, train, export, reference
    /usr/bin/python3 models/train/glyph_vit.py --export   # export only, from .data/glyph_vit.pt

Module names follow Hugging Face ViTForImageClassification so the ONNX node names look familiar.
"""
import json, math, os, time
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
import glyph_data, train_cycles

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, ".data")
OUT = os.path.join(HERE, "..", "tensorloupe-glyph-vit")
CFG = dict(image_size=32, patch_size=4, num_channels=3, hidden_size=96, num_hidden_layers=4,
           num_attention_heads=4, intermediate_size=384, layer_norm_eps=1e-12)
MEAN, STD = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]
SEED, TEST_GROUPS = 1337, 2


# ----------------------------------------------------------------------------- model
class SelfAttention(nn.Module):  # vit.encoder.layer.{i}.attention.attention
    def __init__(self, d, n_head):
        super().__init__()
        self.n_head = n_head
        self.query, self.key, self.value = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)

    def forward(self, x, hooks=None, name=""):
        B, T, C = x.shape  # [batch, pos, d]
        split = lambda t: t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # [B, h, T, hd]
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.n_head)  # [B, h, T, T]
        att = att.softmax(dim=-1)
        if hooks is not None:
            hooks[name + "attn.hook_pattern"] = att
        return (att @ v).transpose(1, 2).reshape(B, T, C)


class Attention(nn.Module):
    def __init__(self, d, n_head):
        super().__init__()
        self.attention = SelfAttention(d, n_head)
        self.output = nn.Module()
        self.output.dense = nn.Linear(d, d)

    def forward(self, x, hooks=None, name=""):
        return self.output.dense(self.attention(x, hooks, name))


class Layer(nn.Module):  # pre-LN block: x + attn(ln(x)), then x + mlp(ln(x))
    def __init__(self, c):
        super().__init__()
        d, eps = c["hidden_size"], c["layer_norm_eps"]
        self.layernorm_before = nn.LayerNorm(d, eps=eps)
        self.attention = Attention(d, c["num_attention_heads"])
        self.layernorm_after = nn.LayerNorm(d, eps=eps)
        self.intermediate = nn.Module(); self.intermediate.dense = nn.Linear(d, c["intermediate_size"])
        self.output = nn.Module(); self.output.dense = nn.Linear(c["intermediate_size"], d)

    def forward(self, x, hooks=None, name=""):
        x = x + self.attention(self.layernorm_before(x), hooks, name)
        if hooks is not None:
            hooks[name + "hook_resid_mid"] = x
        return x + self.output.dense(F.gelu(self.intermediate.dense(self.layernorm_after(x))))


class ViTForImageClassification(nn.Module):
    def __init__(self, c, n_labels):
        super().__init__()
        d, n_patch = c["hidden_size"], (c["image_size"] // c["patch_size"]) ** 2
        self.vit = nn.Module()
        self.vit.embeddings = e = nn.Module()
        e.cls_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        e.position_embeddings = nn.Parameter(torch.randn(1, n_patch + 1, d) * 0.02)
        e.patch_embeddings = nn.Module()
        e.patch_embeddings.projection = nn.Conv2d(c["num_channels"], d, c["patch_size"], c["patch_size"])
        self.vit.encoder = nn.Module()
        self.vit.encoder.layer = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.vit.layernorm = nn.LayerNorm(d, eps=c["layer_norm_eps"])
        self.classifier = nn.Linear(d, n_labels)

    def forward(self, pixel_values, hooks=None):  # [B, 3, 32, 32] -> logits [B, 36]
        e = self.vit.embeddings
        x = e.patch_embeddings.projection(pixel_values).flatten(2).transpose(1, 2)  # [B, 64, d]
        x = torch.cat([e.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + e.position_embeddings
        if hooks is not None:
            hooks["hook_embed"] = x
        for i, layer in enumerate(self.vit.encoder.layer):
            if hooks is not None:
                hooks[f"blocks.{i}.hook_resid_pre"] = x
            x = layer(x, hooks, f"blocks.{i}.")
            if hooks is not None:
                hooks[f"blocks.{i}.hook_resid_post"] = x
        x = self.vit.layernorm(x)  # [B, 65, d]
        if hooks is not None:
            hooks["ln_final.hook_normalized"] = x
        return self.classifier(x[:, 0])


def to_input(images_u8):  # uint8 [N, 32, 32, 3] -> normalised float [N, 3, 32, 32]
    x = torch.from_numpy(images_u8).permute(0, 3, 1, 2).float() / 255
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


# ----------------------------------------------------------------------------- data + training
def datasets(per_glyph_train, per_glyph_test):
    path = os.path.join(DATA, f"glyphs_{per_glyph_train}_{per_glyph_test}.npz")
    if os.path.exists(path):
        return dict(np.load(path, allow_pickle=True))
    fonts = glyph_data.list_fonts()
    train_f, test_f, test_groups = glyph_data.split_fonts(fonts, TEST_GROUPS, SEED)
    rng = np.random.default_rng(SEED)
    xtr, ytr = glyph_data.make_set(train_f, per_glyph_train, rng)
    xte, yte = glyph_data.make_set(test_f, per_glyph_test, rng)
    d = dict(xtr=xtr, ytr=ytr, xte=xte, yte=yte, test_groups=np.array(test_groups),
             train_fonts=np.array([os.path.basename(f[0]) for f in train_f]),
             test_fonts=np.array([os.path.basename(f[0]) for f in test_f]),
             test_src=np.array([f"{os.path.basename(f[0])}" for f in test_f for _ in range(per_glyph_test * 36)]))
    np.savez(path, **d)
    return d


@torch.no_grad()
def accuracy(model, x_u8, y, bs=500):
    model.eval()
    pred = torch.cat([model(to_input(x_u8[i:i + bs])).argmax(-1) for i in range(0, len(y), bs)])
    model.train()
    return (pred.numpy() == y).mean()


def train(args):
    torch.manual_seed(SEED)
    t0 = time.time()
    d = datasets(args.per_glyph, 10)
    print(f"data: train {len(d['ytr'])} images from {len(d['train_fonts'])} fonts, test {len(d['yte'])} "
          f"from {len(d['test_fonts'])} fonts (held-out groups {list(d['test_groups'])}), {time.time() - t0:.0f}s", flush=True)
    model = ViTForImageClassification(CFG, 36)
    print(f"params: {sum(p.numel() for p in model.parameters())}")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "embeddings" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "embeddings" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0}],
                            lr=args.lr, betas=(0.9, 0.99))
    prev, stages = {}, []
    if args.resume:  # one more cosine cycle (warm restart) from the saved weights
        model.load_state_dict(torch.load(os.path.join(DATA, "glyph_vit.pt")))
        prev, stages = train_cycles.previous(os.path.join(OUT, "metrics.json"), first_lr=2e-3)
    rng = np.random.default_rng(SEED + len(stages))
    budget, n_steps = train_cycles.Budget(args), 0
    for step in range(args.steps):
        lr = budget.set_lr(opt, step)
        if lr is None:
            break
        idx = rng.integers(0, len(d["ytr"]), args.batch)
        x = to_input(d["xtr"][idx])
        if rng.random() < 0.5:  # colour inversion half of the time
            x = -x
        loss = F.cross_entropy(model(x), torch.from_numpy(d["ytr"][idx]), label_smoothing=0.1)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        n_steps = step + 1
        if step % 100 == 0 or step == args.steps - 1:
            msg = f"step {step} loss {loss.item():.4f} lr {lr:.2e} {budget.rate(step + 1)}"
            if step % 500 == 0 or step == args.steps - 1:
                msg += f" heldout_acc {accuracy(model, d['xte'], d['yte']):.4f}"
            print(msg, flush=True)
    train_s, train_cpu = budget.spent()
    acc = accuracy(model, d["xte"], d["yte"])
    print(f"final heldout accuracy {acc:.4f} ({len(d['yte'])} images), train {train_s:.0f}s wall, {train_cpu:.0f}s cpu")
    torch.save(model.state_dict(), os.path.join(DATA, "glyph_vit.pt"))
    metrics = dict(heldout_accuracy=float(acc), n_train=int(len(d["ytr"])), n_test=int(len(d["yte"])),
                   heldout_font_groups=[str(g) for g in d["test_groups"]],
                   heldout_fonts=[str(f) for f in d["test_fonts"]], train_fonts=[str(f) for f in d["train_fonts"]],
                   **train_cycles.totals(prev, stages, args, n_steps, train_s, train_cpu, acc))
    os.makedirs(OUT, exist_ok=True)
    json.dump(metrics, open(os.path.join(OUT, "metrics.json"), "w"), indent=2)


if __name__ == "__main__":
    ap = train_cycles.arguments(steps=4000, lr=2e-3, max_cpu_seconds=840, max_wall_seconds=3300)
    ap.add_argument("--per_glyph", type=int, default=24)
    args = ap.parse_args()
    train_cycles.setup_torch()
    os.makedirs(DATA, exist_ok=True)
    if not args.export:
        train(args)
    import glyph_export
    glyph_export.export_all()
