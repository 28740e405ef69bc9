"""Glyph images for tensorloupe-glyph-vit: digits and capital letters rendered from Debian's fonts.

Fonts come from fonts-dejavu-core, fonts-liberation(2) and fonts-noto-core. A font is kept when it
has all 36 glyphs and is not a symbol/math/exotic-script font. Fonts are grouped into design
families (Liberation 1 and 2 together, Noto Sans with Noto Sans Display, ...) and whole groups are
held out for the test set.
"""
import glob, os
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FONT_DIR = "/usr/share/fonts/truetype"
SKIP = ("Symbols", "Math", "Nushu", "Emoji")           # symbol / math / non-Latin fonts
GROUPS = {  # family name -> design group used for the train/test split
    "Noto Sans Display": "Noto Sans", "Noto Serif Display": "Noto Serif",
    "Liberation Sans Narrow": "Liberation Sans",
}
BIG = 96    # glyphs are rendered once at this size, then scaled/rotated/placed per sample
CANVAS = 64  # augmentation happens on a 64x64 canvas, downsampled to 32x32 at the end


def has_glyph(font, ch):
    mask = lambda c: (font.getmask(c).size, bytes(font.getmask(c)))
    m = mask(ch)
    return m[0][0] > 0 and m != mask("\ue000") and m != mask("\U0010fffd")


def list_fonts():
    """[(path, family, style, group)] for every font with all 36 glyphs, sorted by path."""
    out = []
    for path in sorted(glob.glob(f"{FONT_DIR}/**/*.[ot]tf", recursive=True)):
        try:
            font = ImageFont.truetype(path, 32)
        except OSError:
            continue
        family, style = font.getname()
        if any(s in family for s in SKIP) or not all(has_glyph(font, c) for c in CHARS):
            continue
        out.append((path, family, style, GROUPS.get(family, family)))
    return out


def glyph_masks(path, stroke):
    """Tight 'L' masks of the 36 characters at size BIG, optionally emboldened by `stroke` px."""
    font = ImageFont.truetype(path, BIG)
    masks = []
    for ch in CHARS:
        img = Image.new("L", (BIG * 2, BIG * 2), 0)
        ImageDraw.Draw(img).text((BIG // 2, BIG // 4), ch, font=font, fill=255,
                                 stroke_width=stroke, stroke_fill=255)
        masks.append(img.crop(img.getbbox()))
    return masks


def render(mask, rng):
    """One augmented 32x32 RGB uint8 image [32, 32, 3] from a tight glyph mask."""
    h = rng.uniform(0.50, 0.85) * CANVAS                      # glyph height on the canvas
    w = min(mask.width * h / mask.height, 0.9 * CANVAS)
    g = mask.resize((max(1, round(w)), max(1, round(h))), Image.BILINEAR)
    g = g.rotate(rng.uniform(-10, 10), resample=Image.BILINEAR, expand=True)
    alpha = Image.new("L", (CANVAS, CANVAS), 0)
    cx = CANVAS / 2 + rng.uniform(-0.12, 0.12) * CANVAS
    cy = CANVAS / 2 + rng.uniform(-0.12, 0.12) * CANVAS
    alpha.paste(g, (round(cx - g.width / 2), round(cy - g.height / 2)))
    if rng.random() < 0.5:
        alpha = alpha.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.5)))
    a = np.asarray(alpha.resize((32, 32), Image.BOX), np.float32)[..., None] / 255  # [32, 32, 1]
    while True:  # foreground and background colours with enough contrast
        fg, bg = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
        if abs(fg.mean() - bg.mean()) > 80:
            break
    img = bg * (1 - a) + fg * a + rng.normal(0, rng.uniform(0, 12), (32, 32, 3))
    return np.clip(img, 0, 255).round().astype(np.uint8)


def make_set(fonts, per_glyph, rng):
    """All fonts x 36 chars x per_glyph augmentations -> (uint8 [N, 32, 32, 3], int64 [N])."""
    xs, ys = [], []
    for path, *_ in fonts:
        for stroke in (0, 2):  # heavier strokes: a cheap extra weight per font
            for label, m in enumerate(glyph_masks(path, stroke)):
                for _ in range(per_glyph // 2):
                    xs.append(render(m, rng)); ys.append(label)
    return np.stack(xs), np.array(ys, np.int64)


def split_fonts(fonts, n_test_groups, seed):
    groups = sorted({f[3] for f in fonts})
    test = set(np.random.default_rng(seed).choice(groups, n_test_groups, replace=False).tolist())
    return [f for f in fonts if f[3] not in test], [f for f in fonts if f[3] in test], sorted(test)


if __name__ == "__main__":
    for f in list_fonts():
        print(*f, sep=" | ")
