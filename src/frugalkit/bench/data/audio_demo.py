"""A built-in demonstration set for the chainsaw task, synthesised for frugalkit.

Chainsaws: a two-stroke engine's harmonic series whose firing frequency follows the
throttle (idle near 45 Hz, cutting at 150-215 Hz, i.e. 2,700-13,000 rpm), with the
buzz of the chain and jitter, mixed into a forest background at -15 to 10 dB (near and
far saws). Environment: 1 to 3 of wind, rain, birds, insects and distant engines (a
low, steady hum of a truck, motorbike or plane far away, 20-120 Hz: the hardest to tell
apart), never a chainsaw. Deterministic (seed 42); 3-s clips at 12 kHz as the
challenge's. See AUDIO_DATACARD.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from frugalkit.bench.data.audio import CLIP_SAMPLES, SAMPLE_RATE_HZ

SEED = 42
VERSION = 1  # bump when the synthesis changes: it names the cached copy
PER_LABEL = 150
T_S = np.arange(CLIP_SAMPLES) / SAMPLE_RATE_HZ
Array = np.ndarray[Any, Any]


def _lowpass_noise(rng: np.random.Generator, cutoff_hz: float) -> Array:
    spectrum = np.fft.rfft(rng.normal(size=CLIP_SAMPLES))
    freqs = np.fft.rfftfreq(CLIP_SAMPLES, 1 / SAMPLE_RATE_HZ)
    spectrum /= 1 + (freqs / cutoff_hz) ** 4
    return np.asarray(np.fft.irfft(spectrum, CLIP_SAMPLES))


def _norm(x: Array) -> Array:
    return np.asarray(x / (np.abs(x).max() + 1e-9))


def wind(rng: np.random.Generator) -> Array:
    gusts = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.1, 0.6) * T_S + rng.uniform(0, 6))
    return _norm(_lowpass_noise(rng, rng.uniform(150, 500)) * gusts)


def rain(rng: np.random.Generator) -> Array:
    drops = (rng.random(CLIP_SAMPLES) < rng.uniform(0.002, 0.02)) * rng.normal(size=CLIP_SAMPLES)
    decay = np.exp(-np.arange(60) / 8)
    return _norm(np.convolve(drops, decay, mode="same") + 0.2 * rng.normal(size=CLIP_SAMPLES))


def birds(rng: np.random.Generator) -> Array:
    out = np.zeros(CLIP_SAMPLES)
    for _ in range(rng.integers(2, 7)):
        start = rng.integers(0, CLIP_SAMPLES - 3000)
        length = rng.integers(600, 3000)
        t = np.arange(length) / SAMPLE_RATE_HZ
        f0, f1 = rng.uniform(2000, 5000), rng.uniform(2000, 5500)
        chirp = np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * t[-1])))
        out[start : start + length] += chirp * np.hanning(length)
    return _norm(out)


def insects(rng: np.random.Generator) -> Array:
    carrier = np.sin(2 * np.pi * rng.uniform(3500, 5500) * T_S)
    wings = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(20, 80) * T_S)
    return _norm(carrier * wings + 0.1 * rng.normal(size=CLIP_SAMPLES))


def distant_engine(rng: np.random.Generator) -> Array:
    """A truck or plane far away: low, steady and smooth, its high harmonics absorbed."""
    f0 = rng.uniform(20, 120) * (1 + 0.05 * np.sin(2 * np.pi * rng.uniform(0.05, 0.3) * T_S))
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE_HZ
    hum = sum(np.sin(k * phase) / k**1.2 for k in range(1, 9))
    return _norm(hum + 0.3 * _lowpass_noise(rng, 200))


SOURCES = (wind, rain, birds, insects, distant_engine)


def chainsaw(rng: np.random.Generator) -> Array:
    idle_hz, cut_hz = rng.uniform(40, 55), rng.uniform(150, 215)
    segments = np.sort(rng.uniform(0, 3, size=4))
    throttle = np.clip(np.interp(T_S, [0, *segments, 3], rng.uniform(0, 1, size=6)), 0, 1)
    f0 = (idle_hz + (cut_hz - idle_hz) * throttle) * (1 + 0.01 * rng.normal(size=CLIP_SAMPLES))
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE_HZ
    tilt = rng.uniform(0.4, 0.9)
    engine = sum(rng.uniform(0.6, 1.0) * np.sin(k * phase) / k**tilt for k in range(1, 25))
    buzz = _lowpass_noise(rng, rng.uniform(1500, 3500)) * (0.5 + 0.5 * np.sin(phase))
    return _norm(engine + 0.4 * buzz)


def environment(rng: np.random.Generator) -> Array:
    chosen = rng.choice(len(SOURCES), size=rng.integers(1, 4), replace=False)
    mix = np.zeros(CLIP_SAMPLES)
    for i in chosen:
        mix += SOURCES[i](rng) * rng.uniform(0.3, 1.0)
    return _norm(mix)


def generate(per_label: int = PER_LABEL, seed: int = SEED) -> tuple[list[Array], list[str]]:
    """(clips, labels): `per_label` chainsaw and environment clips, shuffled."""
    rng = np.random.default_rng(seed)
    clips, labels = [], []
    for _ in range(per_label):
        background = environment(rng)
        snr = 10 ** (rng.uniform(-15, 10) / 20)
        saw = chainsaw(rng)
        clips.append(_norm(snr * saw + background) * rng.uniform(0.2, 0.9))
        labels.append("chainsaw")
        clips.append(environment(rng) * rng.uniform(0.2, 0.9))
        labels.append("environment")
    order = rng.permutation(len(clips))
    return [clips[i].astype(np.float32) for i in order], [labels[i] for i in order]
