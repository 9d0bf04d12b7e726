"""The built-in demonstration sets, as rows with the task's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frugalkit.bench.tasks import Task


def builtin_rows(task: Task) -> list[dict[str, Any]]:
    if task.id == "text":
        from frugalkit.bench.data.text_demo import generate

        quotes, labels = generate()
        return [{"quote": q, "label": label} for q, label in zip(quotes, labels, strict=True)]
    if task.id == "image":
        from frugalkit.bench.data.image_demo import generate as generate_images

        images, boxes = generate_images()
        return [
            {
                "image": image,
                "annotations": "\n".join("0 " + " ".join(f"{v:.6f}" for v in b) for b in bxs),
            }
            for image, bxs in zip(images, boxes, strict=True)
        ]
    if task.id == "audio":
        clips, labels = _cached_audio()
        return [{"audio": clip, "label": label} for clip, label in zip(clips, labels, strict=True)]
    raise NotImplementedError(f"no built-in data for task {task.id}")


def _cached_audio() -> tuple[list[Any], list[str]]:
    """Synthesising 300 clips takes seconds: keep them in FRUGALKIT_HOME/cache."""
    import numpy as np

    from frugalkit import paths
    from frugalkit.bench.data import audio_demo

    path = Path(paths.home_dir()) / "cache" / f"audio-demo-{audio_demo.VERSION}.npz"
    try:
        with np.load(path) as saved:
            return list(saved["clips"]), [str(label) for label in saved["labels"]]
    except (OSError, ValueError, KeyError):
        pass
    clips, labels = audio_demo.generate()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, clips=np.stack(clips), labels=np.array(labels))
        partial.replace(path)
    except OSError:
        pass
    return clips, labels
