"""Test images of odd sizes and modes, and what Hugging Face does with them, for
test/unit/imagePreprocess.test.ts. Writes test/fixtures/images/*.{png,jpg,bmp} and
test/fixtures/images/reference.json (uint8 arrays and float32 pixel_values as base64 of
their little-endian bytes). Run with Debian's /usr/bin/python3 (Pillow 9.4, numpy).

The "as Hugging Face does" steps are those of transformers (4.x): `load_image` opens the file,
applies `ImageOps.exif_transpose` and `convert("RGB")`; the image processor's `resize` is
`PIL.Image.resize((w, h), resample, reducing_gap=None)` on uint8; `center_crop` takes
top = (h - ch) // 2; `rescale` is a float64 product cast to float32; `normalize` is
(x - mean) / std in float32; then HWC -> CHW. transformers itself is not installed here, so
those few lines are written out below exactly as they are in image_transforms.py.
"""
import io, json, os, struct, zlib
import numpy as np
from PIL import Image, ImageOps

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "images")
rng = np.random.default_rng(12)


def pattern(w, h, c):
    """noise over gradients: sharp edges and smooth ramps both exercise the kernels"""
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x + y) * 7) % 256, (x * y) % 256][:c], -1)
    noise = rng.integers(0, 256, (h, w, c))
    mix = np.where(rng.random((h, w, 1)) < 0.3, noise, base)
    return mix.astype(np.uint8)


def png16(path, arr, color_type):
    """16-bit PNG written by hand (Pillow cannot write 16-bit RGB)"""
    h, w = arr.shape[:2]
    rows = b"".join(b"\x00" + arr[r].astype(">u2").tobytes() for r in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color_type, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    open(path, "wb").write(data)


def write_images():
    files = {}
    def save(name, im, **kw):
        im.save(os.path.join(OUT, name), **kw)
        files[name] = im.mode
    save("rgb_37x23.png", Image.fromarray(pattern(37, 23, 3), "RGB"))
    rgba = pattern(29, 31, 4); rgba[..., 3] = rng.integers(0, 256, (31, 29))
    save("rgba_29x31.png", Image.fromarray(rgba, "RGBA"))
    pal = Image.fromarray(pattern(33, 17, 3), "RGB").quantize(colors=23, method=Image.Quantize.MEDIANCUT)
    save("palette_33x17.png", pal, transparency=3)
    save("grey_41x19.png", Image.fromarray(pattern(41, 19, 1)[..., 0], "L"))
    save("grey1bit_21x13.png", Image.fromarray(pattern(21, 13, 1)[..., 0], "L").convert("1"))
    la = pattern(15, 27, 2)
    save("greyalpha_15x27.png", Image.fromarray(la, "LA"))
    g16 = (pattern(23, 29, 1)[..., 0].astype(np.uint16) * 2)  # 0..510: PIL clips the half above 255
    png16(os.path.join(OUT, "grey16_23x29.png"), g16, 0); files["grey16_23x29.png"] = "I;16"
    c16 = pattern(19, 21, 3).astype(np.uint16) * 257 + rng.integers(0, 200, (21, 19, 3)).astype(np.uint16)
    png16(os.path.join(OUT, "rgb16_19x21.png"), np.minimum(c16, 65535), 2); files["rgb16_19x21.png"] = "RGB;16"
    photo = Image.fromarray(pattern(45, 27, 3), "RGB").filter(__import__("PIL.ImageFilter").ImageFilter.GaussianBlur(1.2))
    save("baseline_45x27.jpg", photo, quality=92, subsampling=0)
    save("progressive_45x27.jpg", photo, quality=90, progressive=True, subsampling=2)
    exif = Image.Exif(); exif[0x0112] = 6
    save("exif6_45x27.jpg", photo, quality=92, subsampling=0, exif=exif.tobytes())
    exif8 = Image.Exif(); exif8[0x0112] = 3
    save("exif3_45x27.jpg", photo, quality=92, subsampling=0, exif=exif8.tobytes())
    save("rgb24_17x11.bmp", Image.fromarray(pattern(17, 11, 3), "RGB"))
    save("palette8_18x9.bmp", Image.fromarray(pattern(18, 9, 3), "RGB").quantize(colors=40))
    return files


def load_image(path):
    """transformers.image_utils.load_image"""
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    return im.convert("RGB")


def hf_pixel_values(im, spec):
    """transformers' image processor preprocess for ViT / DeiT / CLIP-style configs"""
    if "shortest_edge" in spec["size"]:
        w, h = im.size
        short, long = min(w, h), max(w, h)
        ns, nl = spec["size"]["shortest_edge"], int(spec["size"]["shortest_edge"] * long / short)
        size = (ns, nl) if w <= h else (nl, ns)
    else:
        size = (spec["size"]["width"], spec["size"]["height"])
    arr = np.array(im.resize(size, resample=spec["resample"], reducing_gap=None))
    if spec.get("do_center_crop"):
        ch, cw = spec["crop_size"]["height"], spec["crop_size"]["width"]
        top, left = (arr.shape[0] - ch) // 2, (arr.shape[1] - cw) // 2
        arr = arr[top:top + ch, left:left + cw]
    x = (arr.astype(np.float64) * spec["rescale_factor"]).astype(np.float32)
    mean, std = np.array(spec["image_mean"], np.float32), np.array(spec["image_std"], np.float32)
    x = (x - mean) / std
    return x.transpose(2, 0, 1)


SPECS = {
    "glyph-vit": json.load(open(os.path.join(os.path.dirname(__file__), "..", "tensorloupe-glyph-vit", "preprocessor_config.json"))),
    # CLIPImageProcessor (openai/clip-vit-base-patch32) shrunk to test sizes: shortest edge, bicubic, center crop
    "clip-like": {"image_processor_type": "CLIPImageProcessor", "do_resize": True, "size": {"shortest_edge": 20}, "resample": 3,
                  "do_center_crop": True, "crop_size": {"height": 16, "width": 16}, "do_rescale": True, "rescale_factor": 1 / 255,
                  "do_normalize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711]},
    # DeiTImageProcessor (facebook/deit-base-distilled-patch16-224) shrunk: square resize bicubic, then crop
    "deit-like": {"image_processor_type": "DeiTImageProcessor", "do_resize": True, "size": {"height": 26, "width": 26}, "resample": 3,
                  "do_center_crop": True, "crop_size": {"height": 22, "width": 22}, "do_rescale": True, "rescale_factor": 1 / 255,
                  "do_normalize": True, "image_mean": [0.485, 0.456, 0.406], "image_std": [0.229, 0.224, 0.225]},
}
RESIZES = [(16, 16), (13, 7), (50, 9), (5, 40)]
# every filter on a few images, bilinear and bicubic (what ViT/CLIP/DINOv2 configs use) on all
ALL_FILTERS = {"rgb_37x23.png", "rgba_29x31.png", "grey_41x19.png", "palette_33x17.png"}
b64 = lambda a: __import__("base64").b64encode(np.ascontiguousarray(a).tobytes()).decode()


def main():
    os.makedirs(OUT, exist_ok=True)
    files = write_images()
    ref = {"pillow": Image.__version__, "specs": SPECS, "images": []}
    for name in sorted(files):
        im = load_image(os.path.join(OUT, name))
        rgb = np.array(im)
        entry = {"file": name, "mode": files[name], "width": im.size[0], "height": im.size[1], "rgb": b64(rgb.astype(np.uint8)),
                 "resized": [], "pixel_values": {}}
        for (w, h) in RESIZES:
            for f in ([0, 1, 2, 3, 4, 5] if name in ALL_FILTERS else [2, 3]):
                entry["resized"].append({"width": w, "height": h, "resample": f, "data": b64(np.array(im.resize((w, h), f, reducing_gap=None)))})
        for key, spec in SPECS.items():
            pv = hf_pixel_values(im, spec)
            entry["pixel_values"][key] = {"shape": list(pv.shape), "data": b64(pv.astype("<f4"))}
        ref["images"].append(entry)
    json.dump(ref, open(os.path.join(OUT, "reference.json"), "w"), separators=(",", ":"))


if __name__ == "__main__":
    main()
