"""GPT-2 style decoder with Hugging Face GPT-2 module names (nanoGPT-sized and -styled).

mlp=False gives the attention-only variant (tensorloupe-attn2). Attention is written in plain ops
(MatMul -> scale -> mask Where -> Softmax -> MatMul) so the ONNX export keeps them visible.
forward() takes the Optimum decoder inputs (input_ids, attention_mask, position_ids, past) and
returns logits and the present key/values; hooks={} collects TransformerLens-named activations.
"""
import math
from dataclasses import dataclass
import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e9  # masked score: large negative, not -inf, so fully masked rows stay finite

@dataclass
class Config:
    vocab_size: int = 4096
    n_positions: int = 2048
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    mlp: bool = True
    tie: bool = True  # unembedding tied to the token embedding (GPT-2); attn2 unties it

class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head, self.head_dim = cfg.n_head, cfg.n_embd // cfg.n_head
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd)

    def forward(self, x, allowed, past=None, hooks=None, name=''):
        B, T, C = x.shape  # x: [B, T, C]; allowed: [B, 1, T, S] bool; past: ([B, H, P, D], [B, H, P, D])
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.n_head, self.head_dim).transpose(1, 2) for t in (q, k, v))  # [B, H, T, D]
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)  # [B, H, S, D]
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(self.head_dim))  # [B, H, T, S]
        att = torch.where(allowed, att, torch.tensor(NEG, dtype=att.dtype))
        att = F.softmax(att, dim=-1)
        if hooks is not None:
            hooks[name + 'attn.hook_pattern'] = att
        y = (att @ v).transpose(1, 2).reshape(B, T, C)  # [B, T, C]
        return self.c_proj(y), (k, v)

class MLP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd)
        self.act = nn.GELU(approximate='tanh')  # GPT-2's gelu_new
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd)

    def forward(self, x):
        return self.c_proj(self.act(self.c_fc(x)))

class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd)
        self.attn = Attention(cfg)
        if cfg.mlp:
            self.ln_2 = nn.LayerNorm(cfg.n_embd)
            self.mlp = MLP(cfg)
        self.has_mlp = cfg.mlp

    def forward(self, x, allowed, past=None, hooks=None, name=''):
        if hooks is not None:
            hooks[name + 'hook_resid_pre'] = x
        a, present = self.attn(self.ln_1(x), allowed, past, hooks, name)
        x = x + a
        if self.has_mlp:
            if hooks is not None:
                hooks[name + 'hook_resid_mid'] = x
            x = x + self.mlp(self.ln_2(x))
        if hooks is not None:
            hooks[name + 'hook_resid_post'] = x
        return x, present

class Transformer(nn.Module):
    """HF GPT2Model: wte, wpe, h.{i}, ln_f (a module of its own so ONNX scopes read /transformer/h.0/...)"""
    def __init__(self, cfg):
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None, hooks=None):
        B, T = input_ids.shape  # input_ids, position_ids: [B, T]; attention_mask: [B, P+T]; past: n_layer x (k, v)
        P = 0 if past is None else past[0][0].shape[2]
        if position_ids is None:
            position_ids = torch.arange(P, P + T, dtype=torch.long).unsqueeze(0)
        x = self.wte(input_ids) + self.wpe(position_ids)  # [B, T, C]
        if hooks is not None:
            hooks['hook_embed'] = x
        S = P + T
        qpos = torch.arange(T, dtype=torch.long).unsqueeze(1) + P  # [T, 1]
        allowed = (torch.arange(S, dtype=torch.long).unsqueeze(0) <= qpos).view(1, 1, T, S)  # causal: key j <= P + i
        if attention_mask is not None:
            allowed = allowed & (attention_mask[:, None, None, :] > 0)  # [B, 1, T, S]
        presents = []
        for i, block in enumerate(self.h):
            x, present = block(x, allowed, None if past is None else past[i], hooks, f'blocks.{i}.')
            presents.append(present)
        x = self.ln_f(x)
        if hooks is not None:
            hooks['ln_final.hook_normalized'] = x
        return x, presents

class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.transformer = Transformer(cfg)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        if cfg.tie:
            self.lm_head.weight = self.transformer.wte.weight  # tied embeddings
        self.apply(self._init)
        for n, p in self.named_parameters():
            if n.endswith('c_proj.weight'):  # GPT-2's scaled init of residual projections
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def _init(self, m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, 'bias', None) is not None:
                nn.init.zeros_(m.bias)

    def forward(self, input_ids, attention_mask=None, position_ids=None, past=None, hooks=None):
        x, presents = self.transformer(input_ids, attention_mask, position_ids, past, hooks)
        return self.lm_head(x), presents  # logits: [B, T, vocab]

def n_params(model):
    return sum(p.numel() for p in model.parameters())  # tied weights counted once
