"""The chainsaw task: clips from files, their defects, and the frugal baseline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.io import wavfile

from frugalkit.bench import evaluate, get_task
from frugalkit.bench.baselines import train_baseline
from frugalkit.bench.data import load_task_data
from frugalkit.bench.data.audio import CLIP_SAMPLES, decode_clip
from frugalkit.errors import InputError

AUDIO = get_task("audio")


def tone(seconds: float, rate_hz: int) -> np.ndarray:
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    return (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype(np.int16)


def test_clips_are_resampled_to_12_khz_and_fitted_to_3_s(tmp_path: Path) -> None:
    rows = []
    for i, (seconds, rate) in enumerate([(2.0, 16_000), (4.0, 12_000), (3.0, 44_100)] * 4):
        wavfile.write(tmp_path / f"c{i}.wav", rate, tone(seconds, rate))
        rows.append(f"c{i}.wav,{['chainsaw', 'environment', 0, 1][i % 4]}")
    (tmp_path / "labels.csv").write_text("file,label\n" + "\n".join(rows) + "\n")
    data = load_task_data(AUDIO, str(tmp_path))
    clips = data.train.inputs + data.test.inputs
    assert len(clips) == 12 and all(c.shape == (CLIP_SAMPLES,) for c in clips)
    assert set(data.train.labels + data.test.labels) == {"chainsaw", "environment"}
    short = decode_clip(str(tmp_path / "c0.wav"), "c0")  # 2 s at 16 kHz
    assert np.abs(short[:24_000]).max() > 0.4 and not short[24_100:].any()  # padded with silence
    spectrum = np.abs(np.fft.rfft(short[:24_000]))
    assert np.fft.rfftfreq(24_000, 1 / 12_000)[spectrum.argmax()] == pytest.approx(440, abs=1)


def test_a_broken_wav_header_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00junk that is not a wave file")
    with pytest.raises(InputError, match=r"broken\.wav: not a readable"):
        decode_clip(str(broken), str(broken))


def test_a_zero_length_clip_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    wavfile.write(empty, 12_000, np.zeros(0, dtype=np.int16))
    with pytest.raises(InputError, match="the clip is empty"):
        decode_clip(str(empty), str(empty))
    with pytest.raises(InputError, match="NaN"):
        decode_clip({"array": [0.0, float("nan")], "sampling_rate": 12_000}, "row 3")


def test_hugging_face_audio_dicts_in_parquet(tmp_path: Path) -> None:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = []
    for i in range(10):
        buffer = io.BytesIO()
        wavfile.write(buffer, 12_000, tone(3.0, 12_000))
        rows.append({"audio": {"bytes": buffer.getvalue(), "path": f"{i}.wav"}, "label": i % 2})
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "clips.parquet")
    data = load_task_data(AUDIO, str(tmp_path / "clips.parquet"))
    assert (len(data.train), len(data.test)) == (8, 2)


def test_frugal_baseline_beats_085_and_reports_features_apart(home: Path) -> None:
    card = train_baseline(home, AUDIO, "logmel-linear")
    run = evaluate(AUDIO, card["path"], repeats=2)
    assert run["status"] == "completed", run.get("reason")
    assert run["accuracy"] >= 0.85
    metrics = run["payload"]["metrics"]
    assert metrics["precision_chainsaw"] > 0.8 and metrics["recall_chainsaw"] > 0.8
    windows = run["payload"]["energy"]["windows_wh_median"]
    assert set(windows) == {"preprocess", "model"}
    assert windows["preprocess"] > windows["model"] > 0  # log-mel costs more than the model
