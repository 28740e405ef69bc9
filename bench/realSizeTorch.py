#!/usr/bin/env python3
"""PyTorch eager figures for bench/realSize.ts: the same two shapes (GPT-2 small: 12 layers,
12 heads, d 768, vocab 50257, learned positions, tied unembedding; Llama-style: 12 layers, 12 q /
4 kv heads, d 768, SwiGLU 1536, vocab 32000, RoPE, RMSNorm), random weights, one forward under
no_grad with every layer's attention probabilities and residual stream kept (what
output_attentions=True, output_hidden_states=True return), as a user of transformers would run
it. Written out by hand so it needs only torch (Debian's 1.13), no transformers. Prints
`TORCH {...}` lines: the median of --repeats forwards per size."""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Gpt2Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h, self.hd = h, d // h
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.proj = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.h, self.hd).transpose(1, 2) for z in (q, k, v))
        att = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask, dim=-1)
        x = x + self.c_proj((att @ v).transpose(1, 2).reshape(b, t, d))
        x = x + self.proj(F.gelu(self.fc(self.ln_2(x)), approximate='tanh'))
        return x, att


class Gpt2(nn.Module):
    def __init__(self, layers=12, d=768, h=12, vocab=50257, positions=1024):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(positions, d)
        self.blocks = nn.ModuleList(Gpt2Block(d, h) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t)[None])
        mask = torch.full((t, t), float('-inf')).triu(1)
        hidden, atts = [x], []
        for blk in self.blocks:
            x, att = blk(x, mask)
            hidden.append(x)
            atts.append(att)
        return self.ln_f(x) @ self.wte.weight.T, hidden, atts


class RmsNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class LlamaBlock(nn.Module):
    def __init__(self, d, h, kv, inter):
        super().__init__()
        self.h, self.kv, self.hd = h, kv, d // h
        self.n1, self.n2 = RmsNorm(d), RmsNorm(d)
        self.q, self.k, self.v, self.o = nn.Linear(d, d, bias=False), nn.Linear(d, kv * self.hd, bias=False), nn.Linear(d, kv * self.hd, bias=False), nn.Linear(d, d, bias=False)
        self.gate, self.up, self.down = nn.Linear(d, inter, bias=False), nn.Linear(d, inter, bias=False), nn.Linear(inter, d, bias=False)

    def forward(self, x, mask, cos, sin):
        b, t, d = x.shape
        y = self.n1(x)
        q = self.q(y).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.k(y).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.v(y).view(b, t, self.kv, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.h // self.kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        att = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask, dim=-1)
        x = x + self.o((att @ v).transpose(1, 2).reshape(b, t, d))
        y = self.n2(x)
        return x + self.down(F.silu(self.gate(y)) * self.up(y)), att


class Llama(nn.Module):
    def __init__(self, layers=12, d=768, h=12, kv=4, inter=1536, vocab=32000):
        super().__init__()
        self.hd = d // h
        self.embed = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(LlamaBlock(d, h, kv, inter) for _ in range(layers))
        self.norm = RmsNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids):
        t = ids.shape[1]
        inv = 1.0 / (10000 ** (torch.arange(0, self.hd, 2).float() / self.hd))
        freqs = torch.arange(t).float()[:, None] * inv[None]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        mask = torch.full((t, t), float('-inf')).triu(1)
        x = self.embed(ids)
        hidden, atts = [x], []
        for blk in self.blocks:
            x, att = blk(x, mask, cos, sin)
            hidden.append(x)
            atts.append(att)
        return self.lm_head(self.norm(x)), hidden, atts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--sizes', default='128,512')
    ap.add_argument('--repeats', type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    for name, model, vocab in (('gpt2-small', Gpt2(), 4096), ('llama-100m', Llama(), 4096)):
        model.eval()
        for t in (int(s) for s in a.sizes.split(',')):
            ids = torch.randint(0, vocab, (1, t))
            with torch.no_grad():
                model(ids)  # warm
                ms = []
                for _ in range(a.repeats):
                    t0 = time.perf_counter()
                    model(ids)
                    ms.append((time.perf_counter() - t0) * 1000)
            print('TORCH ' + json.dumps({'model': name, 'tokens': t, 'ms': statistics.median(ms), 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
