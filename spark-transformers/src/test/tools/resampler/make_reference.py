"""The resampler's reference output: torchaudio.functional.resample (sinc_interp_hann,
lowpass_filter_width 6, rolloff 0.99) applied to a recorded signal, written as JSON for ResamplerTest.

torchaudio is not installed in the reference environment (torch is), so the two functions resample
calls, _get_sinc_resample_kernel and _apply_sinc_resample_kernel (torchaudio 2.x,
src/torchaudio/functional/functional.py), are re-implemented below step for step in torch, with the
waveform's dtype (float32) as torchaudio uses it.

  PYTHONPATH=... /usr/bin/python3 spark-transformers/src/test/tools/resampler/make_reference.py
(the PYTHONPATH of the reference environment, /work/pyref/setup.log; it needs torch and numpy)
"""
import json
import math
import pathlib
import wave

import numpy as np
import torch

MODULE = pathlib.Path(__file__).resolve().parents[4]
SIGNAL = MODULE / "src/test/resources/fixtures/inputs/audio/audio_1.0s.wav"
OUT = MODULE / "src/test/resources/reference/resampler/torchaudio_resample.json"
FRAMES = 2000  # the first eighth of a second
# (declared rate of the recording, target rate): down, up, and rates whose gcd leaves many phases
CASES = [(16000, 8000), (16000, 44100), (16000, 11025), (44100, 16000), (48000, 16000), (22050, 16000),
         (8000, 16000), (11025, 16000)]
WIDTH, ROLLOFF = 6, 0.99


def kernel(orig, new, gcd, dtype):
    orig, new = orig // gcd, new // gcd
    base = min(orig, new) * ROLLOFF
    width = math.ceil(WIDTH * orig / base)
    idx = torch.arange(-width, width + orig, dtype=dtype)[None, None] / orig
    t = torch.arange(0, -new, -1, dtype=dtype)[:, None, None] / new + idx
    t *= base
    t = t.clamp_(-WIDTH, WIDTH)
    window = torch.cos(t * math.pi / WIDTH / 2) ** 2
    t *= math.pi
    kernels = torch.where(t == 0, torch.tensor(1.0).to(t), t.sin() / t)
    kernels *= window * (base / orig)
    return kernels, width


def resample(x, orig, new):
    gcd = math.gcd(orig, new)
    k, width = kernel(orig, new, gcd, x.dtype)
    o, n = orig // gcd, new // gcd
    length = x.shape[-1]
    padded = torch.nn.functional.pad(x[None], (width, width + o))
    y = torch.nn.functional.conv1d(padded[:, None], k, stride=o).transpose(1, 2).reshape(1, -1)
    return y[..., : math.ceil(n * length / o)][0]


def shortest(x):
    """float32 values in their shortest decimal form (numpy's repr), which reads back to the same float32."""
    return [float(repr(v)) for v in x.numpy()]


def main():
    with wave.open(str(SIGNAL)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        pcm = np.frombuffer(w.readframes(FRAMES), dtype="<i2")
    signal = torch.from_numpy(pcm.astype(np.float32) / 32768.0)  # soundfile's float32 scaling
    # float32 is what torchaudio computes for a float32 waveform (kernel included); float64 shows
    # how much of the difference to a double-precision kernel is float32 rounding
    cases = [{"orig_rate": o, "new_rate": n, "output": shortest(resample(signal, o, n)),
              "output_float64": [float("%.10g" % v) for v in resample(signal.double(), o, n).tolist()]} for o, n in CASES]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "reference": "torchaudio.functional.resample re-implemented in torch " + torch.__version__,
        "signal": "fixtures/inputs/audio/audio_1.0s.wav, first %d frames, int16 / 32768" % FRAMES,
        "cases": cases}))
    print("wrote", OUT, [len(c["output"]) for c in cases])


if __name__ == "__main__":
    main()
