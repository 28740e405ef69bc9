"""Byte-level BPE (GPT-2 style) trained on the corpus's train split, written as a Hugging Face
tokenizer.json, plus a small reference encoder. Then encodes the train/eval splits to uint16 ids.

  /usr/bin/python3 models/train/text_tokenizer.py
Output: models/train/.data/tokenizer/{tokenizer.json,tokenizer_config.json},
        models/train/.data/corpus/{train,eval}.ids.npy (each document starts with id 0)
"""
import heapq, json, os, time
from collections import Counter, defaultdict
import numpy as np
import regex as re

ROOT = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(ROOT, '.data')
VOCAB_SIZE, EOT = 4096, '<|endoftext|>'
PAT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")

def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable unicode characters"""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))

B2U = bytes_to_unicode()
U2B = {u: b for b, u in B2U.items()}

def pretokenize(text):
    return [''.join(B2U[b] for b in w.encode('utf-8')) for w in PAT.findall(text)]

def train(text, vocab_size=VOCAB_SIZE):
    word_counts = Counter()
    for doc in text.split(EOT):
        word_counts.update(pretokenize(doc))
    vocab = {EOT: 0}
    for b in range(256):
        vocab[B2U[b]] = len(vocab)
    itos = {i: s for s, i in vocab.items()}
    words = [[vocab[ch] for ch in w] for w in word_counts]
    counts = list(word_counts.values())
    pair_counts, where = defaultdict(int), defaultdict(set)
    for wi, sym in enumerate(words):
        for p in zip(sym, sym[1:]):
            pair_counts[p] += counts[wi]; where[p].add(wi)
    heap = [(-c, p) for p, c in pair_counts.items()]
    heapq.heapify(heap)
    merges = []
    while len(vocab) < vocab_size and heap:
        negc, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -negc or negc == 0:
            continue  # stale heap entry
        a, b = pair
        new = itos[a] + itos[b]
        if new not in vocab:
            vocab[new] = len(vocab); itos[vocab[new]] = new
        nid = vocab[new]
        merges.append((itos[a], itos[b]))
        changed = set()
        for wi in list(where.pop(pair)):
            sym, c = words[wi], counts[wi]
            out, i = [], 0
            while i < len(sym):
                if i + 1 < len(sym) and sym[i] == a and sym[i + 1] == b:
                    out.append(nid); i += 2
                else:
                    out.append(sym[i]); i += 1
            if len(out) == len(sym):
                continue
            for p in zip(sym, sym[1:]):
                pair_counts[p] -= c; changed.add(p)
            for p in zip(out, out[1:]):
                pair_counts[p] += c; changed.add(p); where[p].add(wi)
            words[wi] = out
        pair_counts.pop(pair, None)
        for p in changed:
            if p != pair and pair_counts.get(p, 0) > 0:
                heapq.heappush(heap, (-pair_counts[p], p))
    return vocab, merges

def tokenizer_json(vocab, merges):
    special = {'id': 0, 'content': EOT, 'single_word': False, 'lstrip': False, 'rstrip': False,
               'normalized': False, 'special': True}
    return {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [special],
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': EOT, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': EOT, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': EOT, 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}}],
            'special_tokens': {EOT: {'id': EOT, 'ids': [0], 'tokens': [EOT]}}},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [a + ' ' + b for a, b in merges]},
    }

def tokenizer_config(model_max_length):
    return {'add_bos_token': False, 'add_prefix_space': False,
            'added_tokens_decoder': {'0': {'content': EOT, 'lstrip': False, 'normalized': False, 'rstrip': False,
                                           'single_word': False, 'special': True}},
            'bos_token': EOT, 'eos_token': EOT, 'unk_token': EOT, 'clean_up_tokenization_spaces': False,
            'model_max_length': model_max_length, 'tokenizer_class': 'GPT2Tokenizer'}

class Encoder:
    """Reference encoder for a tokenizer.json written above (GPT-2's bpe() with ranked merges)"""
    def __init__(self, path):
        tj = json.load(open(path, encoding='utf-8'))
        self.vocab = tj['model']['vocab']
        self.itos = {i: s for s, i in self.vocab.items()}
        self.ranks = {tuple(m.split(' ')): r for r, m in enumerate(tj['model']['merges'])}
        self.cache = {}

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            pairs = [(self.ranks.get(p, 1 << 30), i) for i, p in enumerate(zip(parts, parts[1:]))]
            rank, _ = min(pairs)
            if rank == 1 << 30:
                break
            a, b = parts[_], parts[_ + 1]
            out, i = [], 0
            while i < len(parts):  # merge every occurrence, left to right
                if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                    out.append(a + b); i += 2
                else:
                    out.append(parts[i]); i += 1
            parts = out
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text, bos=True):
        """ids of text; <|endoftext|> inside text becomes id 0; BOS prepended as the post-processor does"""
        ids = [0] if bos else []
        for k, doc in enumerate(text.split(EOT)):
            if k:
                ids.append(0)
            for w in pretokenize(doc):
                ids.extend(self.bpe(w))
        return ids

    def tokens(self, ids):
        return [self.itos[i] for i in ids]

    def decode(self, ids):
        return bytes(U2B[c] for i in ids if i != 0 for c in self.itos[i]).decode('utf-8', errors='replace')

if __name__ == '__main__':
    t0 = time.time()
    text = open(os.path.join(DATA, 'corpus', 'train.txt'), encoding='utf-8').read()
    vocab, merges = train(text)
    print(f'trained BPE: vocab {len(vocab)}, merges {len(merges)} in {time.time() - t0:.1f}s')
    out = os.path.join(DATA, 'tokenizer')
    os.makedirs(out, exist_ok=True)
    json.dump(tokenizer_json(vocab, merges), open(os.path.join(out, 'tokenizer.json'), 'w', encoding='utf-8'),
              ensure_ascii=False, indent=1)
    json.dump(tokenizer_config(2048), open(os.path.join(out, 'tokenizer_config.json'), 'w'), indent=1)
    enc = Encoder(os.path.join(out, 'tokenizer.json'))
    for split in ('train', 'eval'):
        s = open(os.path.join(DATA, 'corpus', split + '.txt'), encoding='utf-8').read()
        ids = enc.encode(s, bos=False)  # the file already starts every document with <|endoftext|>
        assert enc.decode(ids) == s.replace(EOT, ''), 'round trip failed'
        np.save(os.path.join(DATA, 'corpus', split + '.ids.npy'), np.array(ids, dtype=np.uint16))
        nbytes = len(s.replace(EOT, '').encode('utf-8'))
        print(f'{split}: {len(ids)} tokens, {nbytes} bytes, {nbytes / len(ids):.2f} bytes/token')
    # table of tricky strings for the Node check (text_check_tokenizer.ts): ids from this encoder
    cases = ['hello world', 'def fibonacci(n):\n    if n < 2:\n        return n\n', '<img src=x onerror=alert(1)>',
             '\t\tx = 1\t\n\n\n   \n', 'héllo wörld — naïve café', '日本語のテキスト', 'emoji 😀🎉👍🏽 family 👨\u200d👩\u200d👧',
             'a  b   c    d', '   leading', 'trailing   ', '\r\n\r\n', "it's they're we've I'm you'll he'd", '', ' ',
             '\u00a0nbsp\u3000ideo', '1234567890 3.14159 1e-9', '```python\nprint("hi")\n```', 'ZWJ\u200dtest',
             '\u0000\u0001\u007f', '    ' * 10 + 'x', 'Ω≈ç√∫˜µ≤≥÷', "'S 'T 'RE", 'interface Point {\n  x: number;\n}\n']
    json.dump([{'text': t, 'ids': enc.encode(t)} for t in cases], open(os.path.join(DATA, 'tok_cases.json'), 'w'))
    print(f'done in {time.time() - t0:.1f}s')
