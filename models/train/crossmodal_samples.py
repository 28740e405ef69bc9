"""Samples for the cross-modal map (Tensorloupe: Fit Cross-Modal Map, `tensorloupe crossmap`).

A linear map from an image or speech model's embedding to the text LM's needs several examples of
every class, so this writes, for each bundled media model, `samples/crossmodal/<label>_<source>.<ext>`:
  tensorloupe-glyph-vit:  the 36 characters in 6 fonts the ViT never saw in training (its held-out
                          font groups, Liberation Mono and Noto Serif), augmented as its test set is
                          (glyph_data.render: size, shift, rotation, colours, blur, noise) -> 216 PNGs
  tensorloupe-speech-kws: the 20 keywords in 6 voices it never heard in training (the held-out accent
                          en-gb-x-rp and held-out espeak-ng variants), random speed and pitch as in
                          training, trimmed of silence, 16 kHz mono FLAC (`flac`, lossless)  -> 120 clips
The label is the file name up to its first "_"; the engine pairs it with the text LM's token(s) for that
label. Seeded, so a rebuild writes the same images and (for one espeak-ng build) the same sounds.
Needs fonts-liberation(2), fonts-noto-core, espeak-ng and flac from Debian.
  /usr/bin/python3 models/train/crossmodal_samples.py
"""
import os, subprocess, tempfile, wave
import numpy as np
from PIL import Image
import glyph_data, speech_data

SEED = 1337
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..")
N_FONTS, N_VOICES = 6, 6  # 216 images + 120 clips: about 1.4 MB in all


def glyph_samples():
    out = os.path.join(MODELS, "tensorloupe-glyph-vit", "samples", "crossmodal")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    _, test, groups = glyph_data.split_fonts(glyph_data.list_fonts(), 2, SEED)  # the ViT's held-out fonts
    by_name = {}
    for path, family, *_ in test:
        name = os.path.basename(path).split(".")[0]
        if "Display" not in name:  # Noto Serif Display is Noto Serif at another optical size
            by_name.setdefault(name, path)
    names = sorted(by_name.items())
    fonts = [names[i] for i in np.linspace(0, len(names) - 1, N_FONTS).round().astype(int)]  # both families
    rng = np.random.default_rng(SEED)
    for name, path in fonts:
        for ch, mask in zip(glyph_data.CHARS, glyph_data.glyph_masks(path, 0)):
            Image.fromarray(glyph_data.render(mask, rng)).save(os.path.join(out, f"{ch}_{name}.png"), optimize=True)
    print(f"glyphs: {len(fonts)} fonts of the held-out groups {groups}: {[n for n, _ in fonts]}")


def speech_samples():
    out = os.path.join(MODELS, "tensorloupe-speech-kws", "samples", "crossmodal")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    _, test, accent, variants = speech_data.split_voices(SEED)  # the speech model's held-out voices
    rng = np.random.default_rng(SEED)
    # half with the held-out accent, half with another accent and a held-out variant
    rp = [c for c in test if c[0] == accent]
    other = [c for c in test if c[0] != accent]
    combos = [rp[i] for i in sorted(rng.choice(len(rp), N_VOICES // 2, replace=False))]
    combos += [other[i] for i in sorted(rng.choice(len(other), N_VOICES - N_VOICES // 2, replace=False))]
    with tempfile.TemporaryDirectory() as tmp:
        for a, v in combos:
            for word in speech_data.WORDS:
                y = speech_data.synth(a, v, word, int(rng.integers(120, 231)), int(rng.integers(20, 81)))
                pcm = np.round(np.clip(y, -1, 1) * 32767).astype("<i2")  # espeak-ng's own level, as in training
                wav = os.path.join(tmp, "clip.wav")
                with wave.open(wav, "wb") as w:
                    w.setnchannels(1); w.setsampwidth(2); w.setframerate(speech_data.SR)
                    w.writeframes(pcm.tobytes())
                name = f"{word}_{a}_{v}.flac"
                subprocess.run(["flac", "--silent", "--best", "--force", "--no-padding", "--no-seektable",
                                "-o", os.path.join(out, name), wav], check=True)
    print(f"speech: {len(combos)} held-out voices: {['+'.join(c) for c in combos]}")


if __name__ == "__main__":
    glyph_samples()
    speech_samples()
    for m in ("tensorloupe-glyph-vit", "tensorloupe-speech-kws"):
        d = os.path.join(MODELS, m, "samples", "crossmodal")
        print(m, len(os.listdir(d)), "files,", sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)), "bytes")
