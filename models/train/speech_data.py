"""Spoken words for tensorloupe-speech-kws, synthesized with espeak-ng (GPL-3) over accents x variants.

Every (accent, variant) combination says each of the 20 words once with a random speed and pitch.
Held out for the test set: one whole accent and a seeded set of variants; a combination goes to the
test set when its accent OR its variant is held out, so no test voice was ever heard in training.
Clips are trimmed of silence and resampled 22050 -> 16000 Hz; noise, gain and time shift are
added at training time (augment()).
"""
import os, subprocess
from concurrent.futures import ThreadPoolExecutor
import numpy as np

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
ACCENTS = ["en-gb", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd",
           "en-029", "en-us-nyc"]
VARIANT_DIR = "/usr/lib/x86_64-linux-gnu/espeak-ng-data/voices/!v"
SR = 16000


def variants():
    return sorted(v for v in os.listdir(VARIANT_DIR) if " " not in v)


def split_voices(seed, n_test_variants=14):
    rng = np.random.default_rng(seed)
    vs = variants()
    test_acc = str(rng.choice(ACCENTS))
    test_var = sorted(rng.choice(vs, n_test_variants, replace=False).tolist())
    combos = [(a, v) for a in ACCENTS for v in vs]
    train = [c for c in combos if c[0] != test_acc and c[1] not in test_var]
    test = [c for c in combos if c[0] == test_acc or c[1] in test_var]
    return train, test, test_acc, test_var


def resample_22050_to_16000(x):
    """Band-limited FFT resampling; x is zero-padded to a multiple of 441 samples first."""
    n = -(-len(x) // 441) * 441 + 441
    x = np.pad(x, (0, n - len(x)))
    m = n * 320 // 441
    spec = np.fft.rfft(x)[: m // 2 + 1]
    return np.fft.irfft(spec, m) * (m / n)


def synth(accent, variant, word, speed, pitch):
    """espeak-ng -> float64 mono 16 kHz, leading/trailing silence trimmed, at most 1 s."""
    out = subprocess.run(["espeak-ng", "-v", f"{accent}+{variant}", "-s", str(speed), "-p", str(pitch),
                          "--stdout", word], capture_output=True, check=True).stdout
    pcm = np.frombuffer(out[44:], np.int16).astype(np.float64) / 32768  # 22050 Hz mono PCM16
    y = resample_22050_to_16000(pcm)
    loud = np.nonzero(np.abs(y) > 0.01 * max(np.abs(y).max(), 1e-6))[0]
    y = y[max(0, loud[0] - 400): loud[-1] + 400] if len(loud) else y[:1600]
    return y[:SR]


def synth_set(combos, rng, reps=1):
    """Each combo x word x reps: (list of float arrays, labels, descriptions)."""
    jobs = []
    for accent, variant in combos:
        for label, word in enumerate(WORDS):
            for _ in range(reps):
                jobs.append((accent, variant, word, int(rng.integers(120, 231)), int(rng.integers(20, 81)), label))
    with ThreadPoolExecutor(2) as ex:
        clips = list(ex.map(lambda j: synth(*j[:5]), jobs))
    labels = np.array([j[5] for j in jobs], np.int64)
    desc = [f"espeak-ng -v {a}+{v} -s {s} -p {p} '{w}'" for a, v, w, s, p, _ in jobs]
    return clips, labels, desc


def noise(n, rng):
    """White, pink or brown noise, unit RMS."""
    kind = rng.integers(3)
    w = rng.normal(size=n)
    if kind > 0:
        f = np.fft.rfftfreq(n, 1 / SR)
        f[0] = f[1]
        w = np.fft.irfft(np.fft.rfft(w) / f ** (0.5 * kind), n)
    return w / (np.sqrt((w ** 2).mean()) + 1e-12)


_BANK = {}


def noise_bank(rng, n=64):
    """n seconds of noise per colour, made once; augment() takes random 1 s windows of it."""
    if "bank" not in _BANK:
        _BANK["bank"] = np.stack([noise(SR * n, np.random.default_rng(k)) for k in range(3)])
    b = _BANK["bank"]
    start = int(rng.integers(0, b.shape[1] - SR))
    return b[int(rng.integers(3)), start:start + SR]


def place(clip, rng, shift=True):
    """Put a clip into a 1 s window at a random (or centred) offset."""
    out = np.zeros(SR)
    off = int(rng.integers(0, SR - len(clip) + 1)) if shift else (SR - len(clip)) // 2
    out[off:off + len(clip)] = clip
    return out


# Gain -20..0 dB and background noise on 80 % of clips at 10-40 dB SNR. (They were off for a while: the
# non-finite gradients blamed on them came from oneDNN's conv1d weight gradient; see speech_kws.py.)
GAIN_DB, NOISE_P = -20.0, 0.8


def augment(clip, rng):
    """Random time shift; optional random gain (GAIN_DB..0 dB) and background noise (NOISE_P)."""
    gain = 10 ** (rng.uniform(GAIN_DB, 0) / 20)
    x = place(clip, rng) * gain
    if rng.random() < NOISE_P:  # noise RMS relative to the (gained) speech RMS
        rms = np.sqrt((clip ** 2).mean()) * gain
        x = x + noise_bank(rng) * rms * 10 ** (-rng.uniform(10, 40) / 20)
    return np.clip(x, -1, 1)
