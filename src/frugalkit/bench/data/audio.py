"""Audio clips for the chainsaw task: decode, resample to 12 kHz, pad or trim to 3 s.

Clips that are not exactly 3 s are trimmed to their first 3 s or padded with silence at
the end, as the task's models expect a fixed length (the original data has a few).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from frugalkit.errors import InputError

SAMPLE_RATE_HZ = 12_000
CLIP_S = 3.0
CLIP_SAMPLES = int(SAMPLE_RATE_HZ * CLIP_S)


def fit_clip(samples: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Exactly 3 s: the first 36,000 samples, or the clip followed by silence."""
    clip = np.zeros(CLIP_SAMPLES, dtype=np.float32)
    kept = samples[:CLIP_SAMPLES]
    clip[: len(kept)] = kept
    return clip


def resample(
    samples: np.ndarray[Any, Any], from_hz: int, to_hz: int = SAMPLE_RATE_HZ
) -> np.ndarray[Any, Any]:
    if from_hz == to_hz:
        return samples
    from scipy.signal import resample_poly

    divisor = math.gcd(int(from_hz), int(to_hz))
    return np.asarray(
        resample_poly(samples, to_hz // divisor, from_hz // divisor), dtype=np.float32
    )


def _read_bytes(data: bytes, name: str) -> tuple[np.ndarray[Any, Any], int]:
    from scipy.io import wavfile

    try:
        rate, samples = wavfile.read(io.BytesIO(data))
    except (ValueError, EOFError, OSError) as wav_error:
        try:
            import soundfile
        except ImportError:
            raise InputError(
                f"{name}: not a readable WAV file ({wav_error}); FLAC needs `pip install soundfile`"
            ) from None
        try:
            samples, rate = soundfile.read(io.BytesIO(data), dtype="float32")
        except Exception as exc:
            raise InputError(f"{name}: not a readable audio file ({exc})") from None
    samples = np.asarray(samples)
    if samples.dtype.kind == "i":  # integer PCM to [-1, 1]
        samples = samples / float(np.iinfo(samples.dtype).max)
    elif samples.dtype.kind == "u":
        samples = (samples.astype(np.float64) - 128.0) / 128.0
    return samples.astype(np.float32), int(rate)


def decode_clip(value: Any, name: str) -> np.ndarray[Any, Any]:
    """A 3-s, 12-kHz mono float32 clip from what a data source holds: a Hugging Face
    Audio dict ({array, sampling_rate} or {bytes}), encoded bytes, a file path, or an
    array already at 12 kHz."""
    rate = SAMPLE_RATE_HZ
    if isinstance(value, dict) and value.get("array") is not None:
        samples, rate = (
            np.asarray(value["array"], dtype=np.float32),
            int(value.get("sampling_rate") or rate),
        )
    elif isinstance(value, dict) and value.get("bytes"):
        samples, rate = _read_bytes(value["bytes"], name)
    elif isinstance(value, bytes | bytearray):
        samples, rate = _read_bytes(bytes(value), name)
    elif isinstance(value, str | Path):
        try:
            samples, rate = _read_bytes(Path(value).read_bytes(), str(value))
        except OSError as exc:
            raise InputError(f"{name}: cannot read {value}: {exc.strerror}") from None
    else:
        samples = np.asarray(value, dtype=np.float32)
    if samples.ndim == 2:  # several channels: their mean
        samples = samples.mean(axis=1 if samples.shape[1] < samples.shape[0] else 0)
    if samples.size == 0:
        raise InputError(f"{name}: the clip is empty (0 samples)")
    if not np.isfinite(samples).all():
        raise InputError(f"{name}: the clip holds NaN or infinite samples")
    return fit_clip(resample(samples, rate))


def folder_rows(folder: Path) -> list[dict[str, Any]]:
    """A folder of WAV/FLAC files with labels.csv (columns: file, label)."""
    import csv

    labels = folder / "labels.csv"
    if not labels.exists():
        raise InputError(f"{folder} has no labels.csv (columns: file, label) beside its clips")
    with labels.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if rows and not {"file", "label"} <= set(rows[0]):
        raise InputError(f"{labels} needs the columns file, label")
    return [{"audio": str(folder / row["file"]), "label": row["label"]} for row in rows]
