"""The bench: the Frugal AI Challenge engine, every model judged on accuracy and energy."""

from frugalkit.bench.runner import evaluate
from frugalkit.bench.scoring import leaderboard
from frugalkit.bench.tasks import TASKS, Task, get_task

__all__ = ["TASKS", "Task", "evaluate", "get_task", "leaderboard"]
