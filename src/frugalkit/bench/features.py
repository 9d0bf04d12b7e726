"""Frugal feature extractors, as scikit-learn transformers (numpy and scipy only)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

Array = np.ndarray[Any, Any]


def mel_filterbank(n_mels: int, n_fft: int, rate_hz: int, low_hz: float, high_hz: float) -> Array:
    """Triangular filters evenly spaced on the mel scale (Slaney's 2595 log10 form)."""

    def to_mel(hz: Array | float) -> Array:
        return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)

    def to_hz(mel: Array) -> Array:
        return 700.0 * (10 ** (mel / 2595.0) - 1.0)

    edges_hz = to_hz(np.linspace(to_mel(low_hz), to_mel(high_hz), n_mels + 2))
    bins_hz = np.fft.rfftfreq(n_fft, 1.0 / rate_hz)
    bank = np.zeros((n_mels, len(bins_hz)))
    for m in range(n_mels):
        left, centre, right = edges_hz[m : m + 3]
        rising = (bins_hz - left) / (centre - left)
        falling = (right - bins_hz) / (right - centre)
        bank[m] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


class LogMelStats(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Per clip: mean and standard deviation over time of each log-mel band, plus the
    mean frame-to-frame spectral change. Clips: equal-length 1-D arrays at `rate_hz`."""

    def __init__(
        self, rate_hz: int = 12_000, n_fft: int = 512, hop: int = 256, n_mels: int = 32
    ) -> None:
        self.rate_hz = rate_hz
        self.n_fft = n_fft
        self.hop = hop
        self.n_mels = n_mels

    def fit(self, clips: Any, labels: Any = None) -> LogMelStats:
        self.bank_ = mel_filterbank(self.n_mels, self.n_fft, self.rate_hz, 50.0, self.rate_hz / 2)
        return self

    def transform(self, clips: Any) -> Array:
        batch = np.asarray(clips, dtype=np.float32)
        frames = np.lib.stride_tricks.sliding_window_view(batch, self.n_fft, axis=1)[:, :: self.hop]
        power = np.abs(np.fft.rfft(frames * np.hanning(self.n_fft), axis=2)) ** 2
        log_mel = np.log(power @ self.bank_.T + 1e-10)
        flux = np.abs(np.diff(log_mel, axis=1)).mean(axis=(1, 2))[:, None]
        return np.hstack([log_mel.mean(axis=1), log_mel.std(axis=1), flux])
