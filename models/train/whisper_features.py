"""Log-mel features exactly as Whisper's feature extractor computes them (numpy, float64 inside).

16 kHz audio -> periodic Hann window (400), centred STFT with reflect padding (hop 160), power
spectrum, last frame dropped, 80 Slaney-scale mel bins with Slaney area normalisation (as
librosa.filters.mel(sr=16000, n_fft=400, n_mels=80, htk=False, norm='slaney')), log10(max(x, 1e-10)),
max(x, x.max() - 8) per example, (x + 4) / 4.  1.0 s (16000 samples) -> input_features [80, 100].

    /usr/bin/python3 models/train/whisper_features.py   # self-check against a slow direct formula
"""
import numpy as np

SAMPLE_RATE, N_FFT, HOP, N_MELS = 16000, 400, 160, 80


def hz_to_mel(f):  # Slaney: linear below 1 kHz, logarithmic above
    f = np.asarray(f, np.float64)
    mel = f / (200.0 / 3)
    log = f >= 1000.0
    return np.where(log, 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0), mel)


def mel_to_hz(m):
    m = np.asarray(m, np.float64)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * (200.0 / 3))


def mel_filters(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS):
    """[n_mels, n_fft // 2 + 1] float64 triangular filters, Slaney-normalised (librosa's algorithm)."""
    fft_freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))  # band edges in Hz
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    return weights * (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]


def hann(n=N_FFT):  # periodic Hann window, as torch.hann_window(400)
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


MEL = mel_filters()
WINDOW = hann()


def log_mel(audio):
    """audio float [..., n_samples] at 16 kHz -> float32 [..., 80, n_samples // 160]."""
    audio = np.asarray(audio, np.float64)
    pad = [(0, 0)] * (audio.ndim - 1) + [(N_FFT // 2, N_FFT // 2)]
    x = np.pad(audio, pad, mode="reflect")  # centred STFT
    n_frames = 1 + (x.shape[-1] - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]  # [frames, 400]
    spec = np.fft.rfft(x[..., idx] * WINDOW, axis=-1)  # [..., frames, 201]
    power = (spec.real ** 2 + spec.imag ** 2)[..., :-1, :]  # drop the last frame
    mel = np.swapaxes(power @ MEL.T, -1, -2)  # [..., 80, frames - 1]
    logspec = np.log10(np.maximum(mel, 1e-10))
    logspec = np.maximum(logspec, logspec.max(axis=(-2, -1), keepdims=True) - 8.0)
    return ((logspec + 4.0) / 4.0).astype(np.float32)


def pcm16_to_float(pcm):  # int16 samples -> float in [-1, 1)
    return np.asarray(pcm, np.float64) / 32768.0


def _slow_log_mel(audio):
    """Direct formulas, loops and explicit DFT sums: the reference the fast version is checked with."""
    n = len(audio)
    x = np.concatenate([audio[1:N_FFT // 2 + 1][::-1], audio, audio[-N_FFT // 2 - 1:-1][::-1]])
    frames = 1 + (len(x) - N_FFT) // HOP - 1
    k = np.arange(N_FFT // 2 + 1)
    t = np.arange(N_FFT)
    cos, sin = np.cos(2 * np.pi * np.outer(k, t) / N_FFT), np.sin(2 * np.pi * np.outer(k, t) / N_FFT)
    w = np.array([0.5 - 0.5 * np.cos(2 * np.pi * i / N_FFT) for i in range(N_FFT)])
    # triangular filters written out bin by bin
    edges = [mel_to_hz(hz_to_mel(0) + i * (hz_to_mel(SAMPLE_RATE / 2) - hz_to_mel(0)) / (N_MELS + 1))
             for i in range(N_MELS + 2)]
    fb = np.zeros((N_MELS, N_FFT // 2 + 1))
    for m in range(N_MELS):
        lo, c, hi = edges[m], edges[m + 1], edges[m + 2]
        for b in range(N_FFT // 2 + 1):
            f = b * SAMPLE_RATE / N_FFT
            if lo < f <= c:
                fb[m, b] = (f - lo) / (c - lo)
            elif c < f < hi:
                fb[m, b] = (hi - f) / (hi - c)
        fb[m] *= 2.0 / (hi - lo)
    out = np.zeros((N_MELS, frames))
    for j in range(frames):
        seg = x[j * HOP:j * HOP + N_FFT] * w
        p = (cos @ seg) ** 2 + (sin @ seg) ** 2
        out[:, j] = np.log10(np.maximum(fb @ p, 1e-10))
    out = np.maximum(out, out.max() - 8.0)
    return (out + 4.0) / 4.0


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    t = np.arange(16000) / SAMPLE_RATE
    tests = {"chirp+noise": 0.3 * np.sin(2 * np.pi * (200 + 3000 * t) * t) + 0.01 * rng.normal(size=16000),
             "pcm16 noise burst": pcm16_to_float(rng.integers(-3000, 3000, 16000) * (t > 0.4) * (t < 0.6)),
             "silence": np.zeros(16000)}
    for name, a in tests.items():
        fast, slow = log_mel(a), _slow_log_mel(a)
        err = np.abs(fast - slow).max()
        print(f"{name}: shape {fast.shape}, max |fast - slow| = {err:.2e}")
        assert fast.shape == (80, 100) and err < 1e-5, name
    batch = log_mel(np.stack(list(tests.values())))
    assert np.abs(batch[0] - log_mel(tests["chirp+noise"])).max() == 0
    print(f"mel filters: {MEL.shape}, row sums {MEL.sum(1)[:3]} ...; self-check OK")
