"""Task data: the built-in demonstration sets, local files, and the Hugging Face hub."""

from frugalkit.bench.data.loading import Samples, TaskData, load_task_data

__all__ = ["Samples", "TaskData", "load_task_data"]
