"""JPEG and EXIF-orientation test images and what Pillow (libjpeg-turbo) decodes from them, for
test/unit/jpegDecode.test.ts. Writes test/fixtures/images/jpeg/*.{jpg,png} and
test/fixtures/images/jpeg/reference.json: for each file the RGB that transformers' load_image
gives (Image.open -> ImageOps.exif_transpose -> convert("RGB")), and PIL resizes of it, as base64
uint8. Run with Debian's /usr/bin/python3 (Pillow 9.4 on libjpeg-turbo 2.1). Sampling layouts
Pillow cannot write (4:4:0, 4:1:1), restart markers, RGB-coded and arithmetic-coded files come from
libjpeg-turbo's cjpeg (apt libjpeg-turbo-progs) when it is installed; the committed fixtures have them.
"""
import base64, io, json, os, shutil, struct, subprocess, tempfile, zlib
import numpy as np
from PIL import Image, ImageFilter, ImageOps

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "images", "jpeg")
rng = np.random.default_rng(7)
RESIZES = [(16, 16, Image.BICUBIC), (13, 7, Image.BILINEAR)]


def photo(w, h):
    """colour ramps, a few hard-edged colour blocks (where chroma upsampling shows) and some noise"""
    y, x = np.mgrid[0:h, 0:w]
    a = np.stack([x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), ((x + 2 * y) * 9) % 256], -1).astype(np.int32)
    for _ in range(4):
        x0, y0 = rng.integers(0, w), rng.integers(0, h)
        a[y0:y0 + max(h // 3, 1), x0:x0 + max(w // 3, 1)] = rng.integers(0, 256, 3)
    a = a + rng.integers(-20, 21, a.shape)
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    return im.filter(ImageFilter.GaussianBlur(0.6))


def cjpeg(im, name, *args):
    if not shutil.which("cjpeg"):
        return False
    with tempfile.NamedTemporaryFile(suffix=".ppm") as f:
        im.save(f.name)
        subprocess.run(["cjpeg", *args, "-outfile", os.path.join(OUT, name), f.name], check=True)
    return True


def with_app1(jpeg, payload):
    """the JPEG's bytes with an APP1 segment right after SOI"""
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def tiff_orientation(value, endian=">", kind=3):
    """Exif\\0\\0 + a one-entry IFD0 holding Orientation as SHORT (3) or LONG (4)"""
    head = (b"MM" if endian == ">" else b"II") + struct.pack(endian + "HI", 42, 8)
    field = struct.pack(endian + "H", value) + b"\0\0" if kind == 3 else struct.pack(endian + "I", value)
    return b"Exif\0\0" + head + struct.pack(endian + "HHHI", 1, 0x0112, kind, 1) + field + b"\0\0\0\0"


def png_with_exif(im, value, after_idat):
    """a PNG with an eXIf chunk before or after its image data (Pillow reads both)"""
    buf = io.BytesIO(); im.save(buf, "PNG"); data = buf.getvalue()
    exif = tiff_orientation(value, "<")[6:]
    chunk = struct.pack(">I", len(exif)) + b"eXIf" + exif + struct.pack(">I", zlib.crc32(b"eXIf" + exif) & 0xFFFFFFFF)
    at = data.index(b"IEND") - 4 if after_idat else data.index(b"IDAT") - 4
    return data[:at] + chunk + data[at:]


def write_images():
    files = []
    def save(name, im, **kw):
        im.save(os.path.join(OUT, name), **kw); files.append(name)
    def raw(name, data):
        open(os.path.join(OUT, name), "wb").write(data); files.append(name)
    p = photo(45, 27)
    save("q95_444_45x27.jpg", p, quality=95, subsampling=0)
    save("q75_420_45x27.jpg", p, quality=75, subsampling=2)
    save("q85_422_37x23.jpg", photo(37, 23), quality=85, subsampling=1)
    save("q80_420_67x45_optimized.jpg", photo(67, 45), quality=80, subsampling=2, optimize=True)
    save("q70_420_17x9.jpg", photo(17, 9), quality=70, subsampling=2)
    save("q90_420_3x5.jpg", photo(3, 5), quality=90, subsampling=2)  # 2 chroma samples wide: libjpeg repeats them
    save("q90_422_4x4.jpg", photo(4, 4), quality=90, subsampling=1)
    save("q90_420_1x1.jpg", photo(1, 1), quality=90, subsampling=2)
    save("progressive_420_45x27.jpg", p, quality=85, progressive=True, subsampling=2)
    save("progressive_444_31x17.jpg", photo(31, 17), quality=92, progressive=True, subsampling=0)
    save("progressive_422_29x33.jpg", photo(29, 33), quality=60, progressive=True, subsampling=1)
    save("grey_29x19.jpg", photo(29, 19).convert("L"), quality=88)
    save("grey_progressive_23x13.jpg", photo(23, 13).convert("L"), quality=88, progressive=True)
    save("cmyk_21x15.jpg", photo(21, 15).convert("CMYK"), quality=90)
    if cjpeg(p, "cjpeg_440_45x27.jpg", "-sample", "1x2"): files.append("cjpeg_440_45x27.jpg")
    if cjpeg(p, "cjpeg_411_45x27.jpg", "-sample", "4x1"): files.append("cjpeg_411_45x27.jpg")
    if cjpeg(photo(61, 37), "cjpeg_restart_61x37.jpg", "-restart", "2B"): files.append("cjpeg_restart_61x37.jpg")
    if cjpeg(p, "cjpeg_progressive_restart_45x27.jpg", "-progressive", "-restart", "1B"): files.append("cjpeg_progressive_restart_45x27.jpg")
    if cjpeg(p, "cjpeg_rgb_45x27.jpg", "-rgb", "-quality", "90"): files.append("cjpeg_rgb_45x27.jpg")
    cjpeg(photo(9, 7), "arithmetic_9x7.jpg.bad", "-arithmetic")  # refused with its reason (no reference)
    # EXIF orientation 1-8 on a non-square 4:2:0 image (transformers' load_image applies exif_transpose)
    o = photo(35, 21)
    for v in range(1, 9):
        e = Image.Exif(); e[0x0112] = v
        save(f"exif{v}_35x21.jpg", o, quality=90, subsampling=2, exif=e.tobytes())
    base = io.BytesIO(); o.save(base, "JPEG", quality=90, subsampling=2); base = base.getvalue()
    raw("exif6_bigendian_35x21.jpg", with_app1(base, tiff_orientation(6, ">")))
    raw("exif8_long_35x21.jpg", with_app1(base, tiff_orientation(8, "<", kind=4)))
    raw("exif_garbage_35x21.jpg", with_app1(base, b"Exif\0\0" + bytes(rng.integers(0, 256, 40, dtype=np.uint8))))
    raw("exif_truncated_ifd_35x21.jpg", with_app1(base, tiff_orientation(6, "<")[:20]))
    small = photo(13, 7)
    raw("png_exif6_13x7.png", png_with_exif(small, 6, after_idat=False))
    raw("png_exif8_after_idat_13x7.png", png_with_exif(small, 8, after_idat=True))
    xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="3"/></rdf:RDF></x:xmpmeta>'
    info = __import__("PIL.PngImagePlugin").PngImagePlugin.PngInfo(); info.add_itxt("XML:com.adobe.xmp", xmp)
    save("png_xmp3_13x7.png", small, pnginfo=info)
    return files


def load_image(path):
    """transformers.image_utils.load_image; None where Pillow itself refuses the file"""
    im = Image.open(path)
    try:
        im = ImageOps.exif_transpose(im)
    except Exception as e:  # Pillow raises on EXIF that is not TIFF; transformers would fail here
        return None, f"{type(e).__name__}: {e}"
    return im.convert("RGB"), None


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    files = write_images()
    b64 = lambda a: base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()
    ref = {"pillow": Image.__version__, "images": []}
    for name in files:
        im, error = load_image(os.path.join(OUT, name))
        entry = {"file": name}
        if error:
            # decoded without the EXIF step: what the pixels are; the test checks Tensorloupe ignores such EXIF
            im = Image.open(os.path.join(OUT, name)).convert("RGB")
            entry["pil_exif_error"] = error
        entry.update({"width": im.size[0], "height": im.size[1], "rgb": b64(np.array(im)),
                      "resized": [{"width": w, "height": h, "resample": int(r), "data": b64(np.array(im.resize((w, h), r, reducing_gap=None)))} for w, h, r in RESIZES]})
        ref["images"].append(entry)
    json.dump(ref, open(os.path.join(OUT, "reference.json"), "w"), separators=(",", ":"), indent=None)


if __name__ == "__main__":
    main()
