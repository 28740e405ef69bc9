"""Export tensorloupe-speech-kws: ONNX, config, preprocessor config, reference.json (+ its wav), samples, card."""
import hashlib, json, os, wave
import numpy as np
import torch
import speech_data, whisper_features
from glyph_export import export_onnx, input_entry, write_reference
from speech_kws import CFG, DATA, OUT, SEED, KwsModel, clip, clips


def write_wav(path, pcm16):  # 16 kHz mono PCM16
    with wave.open(path, "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
        w.writeframes(np.asarray(pcm16, "<i2").tobytes())


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


def export_all():
    words = speech_data.WORDS
    model = KwsModel(CFG, len(words))
    model.load_state_dict(torch.load(os.path.join(DATA, "speech_kws.pt")))
    model.eval()
    d = clips()
    os.makedirs(os.path.join(OUT, "samples"), exist_ok=True)

    # three held-out clips: two centred, one with a training-style random time shift
    rng = np.random.default_rng(SEED + 2)
    picks = []
    for k, word in enumerate(["seven", "yes", "left"]):
        cand = np.nonzero(d["yte"] == words.index(word))[0]
        i = int(cand[(17 * k + 3) % len(cand)])
        audio = clip(d["ate"], d["ote"], i)
        audio = speech_data.augment(audio, rng) if k == 1 else speech_data.place(audio, rng, shift=False)
        pcm = np.round(np.clip(audio, -1, 1) * 32767).astype(np.int16)
        voice = str(d["dte"][i]).split()[2]
        name = f"{word}_{voice.replace('+', '_')}.wav"
        write_wav(os.path.join(OUT, "samples", name), pcm)
        picks.append((i, word, pcm, name, "time-shifted" if k == 1 else "clean, centred"))
    write_wav(os.path.join(OUT, "reference_input0.wav"), picks[0][2])
    pcm0 = read_wav(os.path.join(OUT, "reference_input0.wav"))
    assert np.array_equal(pcm0, picks[0][2])

    entries = []
    for n, (i, word, pcm, name, how) in enumerate(picks):
        x = torch.from_numpy(whisper_features.log_mel(whisper_features.pcm16_to_float(pcm))[None])  # [1, 80, 100]
        if n == 0:
            export_onnx(model, x, "input_features", os.path.join(OUT, "onnx", "model.onnx"))
        with torch.no_grad():
            logits = model(x)
        src = (f"held-out voice, {d['dte'][i]}, {how}; 16 kHz PCM16 = samples/{name}"
               + (" = reference_input0.wav" if n == 0 else "") + "; log-mel by models/train/whisper_features.py")
        entries.append(input_entry("input_features", x, src, logits))
        top = entries[-1]["top10"][0]
        print(f"reference {n}: {word} -> {words[top['ids'][0]]} p={top['probs'][0]:.4f}")
    x0 = torch.from_numpy(whisper_features.log_mel(whisper_features.pcm16_to_float(pcm0))[None])
    wav_bytes = open(os.path.join(OUT, "reference_input0.wav"), "rb").read()
    extra = {"reference_audio": {"file": "reference_input0.wav", "input": 0, "sample_rate": 16000,
                                 "format": "mono PCM16", "sha256": hashlib.sha256(wav_bytes).hexdigest(),
                                 "note": "inputs[0].data = log_mel(pcm16 / 32768) of this file"}}
    write_reference(model, "audio-classification", "tensorloupe-speech-kws", entries, x0, extra)

    config = {"architectures": ["TensorloupeKwsForAudioClassification"], "model_type": "tensorloupe-kws",
              **CFG, "activation_function": "gelu", "pooling": "mean", "scale_embedding": False,
              "id2label": {str(i): w for i, w in enumerate(words)}, "label2id": {w: i for i, w in enumerate(words)}}
    json.dump(config, open(os.path.join(OUT, "config.json"), "w"), indent=2)
    pre = {"chunk_length": 1, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80,
           "hop_length": 160, "n_fft": 400, "n_samples": 16000, "nb_max_frames": 100, "padding_side": "right",
           "padding_value": 0.0, "processor_class": "WhisperProcessor", "return_attention_mask": False,
           "sampling_rate": 16000}
    json.dump(pre, open(os.path.join(OUT, "preprocessor_config.json"), "w"), indent=2)
    write_card()


def write_card():
    m = json.load(open(os.path.join(OUT, "metrics.json")))
    n_params = sum(p.numel() for p in KwsModel(CFG, 20).parameters())
    card = f"""# tensorloupe-speech-kws

A small Whisper-like audio encoder that recognises 20 spoken words: {', '.join(speech_data.WORDS)}.
Bundled with Tensorloupe so the attention maps and residual stream of an audio transformer can be
explored offline. Built by `models/train/speech_kws.py` (data: `speech_data.py`, features:
`whisper_features.py`, export: `speech_export.py`); rebuild with `bash models/train/build_media.sh`.

## Model
- Input `input_features [batch, 80, 100]` float32: 1.0 s of 16 kHz audio as Whisper's feature
  extractor computes it (n_fft 400, hop 160, periodic Hann, centred reflect-padded STFT, power,
  last frame dropped, 80 Slaney mel bins with Slaney normalisation, log10(max(x, 1e-10)),
  max(x, max - 8), (x + 4) / 4; `preprocessor_config.json` as `WhisperFeatureExtractor` with
  chunk_length 1). Output `logits [batch, 20]`.
- conv1d 80->{CFG['d_model']} (k3) + GELU, conv1d (k3, stride 2) + GELU -> 50 positions, + Whisper's fixed
  sinusoidal positions, {CFG['encoder_layers']} pre-LayerNorm blocks (d {CFG['d_model']}, {CFG['encoder_attention_heads']} heads,
  GELU MLP {CFG['encoder_ffn_dim']}), final LayerNorm, mean over time, linear classifier.
  {n_params:,} parameters. Module names as Hugging Face Whisper's encoder. ONNX opset 17;
  attention is plain MatMul -> Div -> Softmax -> MatMul.

## Data
All audio is synthesized with eSpeak NG 1.51 (GPL-3.0-or-later; the speech it outputs is not
covered by the GPL, and the sample wavs here are such output). Each (accent, variant) pair says
every word once with a random speed (120-230 wpm) and pitch (20-80); accents
{', '.join(speech_data.ACCENTS)} x the {len(speech_data.variants())} voice variants eSpeak NG ships
(`espeak-ng --voices=variant`). Clips are trimmed of silence and resampled 22050 -> 16000 Hz.
Training augmentation: random time shift in the 1 s window, random gain ({speech_data.GAIN_DB:g}..0 dB) and, on
{100 * speech_data.NOISE_P:.0f} % of clips, white, pink or brown background noise at 10-40 dB SNR. Training runs with
oneDNN switched off: its conv1d weight gradient came back as 1e5..inf every few steps while every
activation gradient was ~1e-2 (the cause of the non-finite gradients an earlier build blamed on the
noise). Non-finite steps skipped: {m.get('skipped_steps', 0)} of {m['steps']}.

- Training: {m['n_train']} clips from {m['n_train_voice_combos']} accent x variant combinations.
- **Held-out voices**: the accent `{m['heldout_accent']}` and the variants {', '.join(m['heldout_variants'])}
  (seed {SEED}) never occur in training; the test set is {m['n_test']} clips from
  {m['n_test_voice_combos']} combinations that use the held-out accent or a held-out variant,
  time-shifted, gained and noised like training data with a fixed seed.

## Training and results
- AdamW (lr 1e-3, cosine, weight decay 0.05), gradient clipping at 1.0, label smoothing 0.1, batch {m['batch']}, {m['steps']} steps,
  1 CPU thread. Synthesis {m['synth_seconds']:.0f} s wall clock (2 espeak-ng processes at a time);
  training {m['train_cpu_seconds']:.0f} s of CPU time ({m['train_seconds']:.0f} s wall clock).
  The cosine schedule ends at 660 CPU-s or 960 s wall
  clock, whichever comes first; a later cycle restarts from the weights:
  {'; '.join(f"{s['steps']} steps from lr {s['lr']:g}, {s['cpu_seconds']:.0f} CPU-s, held-out accuracy after it {100 * s['heldout_accuracy']:.1f} %" for s in m.get('stages', []))}. Conv weights use He (kaiming-normal) init: with PyTorch's
  default init the conv output is ~15x smaller than the sinusoidal positions and training stalled
  at chance.
- **Held-out-voice accuracy: {100 * m['heldout_accuracy']:.2f} %** with random time shift, gain and noise
  ({100 * m['heldout_accuracy_clean']:.2f} % clean and centred). Bar: 90 %.

## Files
- `reference.json`: PyTorch outputs for 3 held-out clips and every activation of the first;
  `reference_input0.wav` is that first clip (16 kHz mono PCM16) and `inputs[0].data` is computed
  from exactly this file, so a port of the feature extractor can be checked against it.
- `samples/*.wav`: the three reference clips. `metrics.json`: the figures above.
"""
    path = os.path.join(OUT, "MODEL_CARD.md")
    # the "Cross-modal map" section is written by hand from `tensorloupe crossmap` runs; a rebuild keeps it (rerun them)
    old = open(path).read() if os.path.exists(path) else ""
    card += old[old.index("\n## Cross-modal map"):] if "\n## Cross-modal map" in old else ""
    open(path, "w").write(card)


if __name__ == "__main__":
    torch.set_num_threads(1)
    export_all()
