"""The smallest models a Trainer and a Lightning fit accept: a linear layer over 8 numbers,
for the callbacks' tests and benchmarks/callbacks_overhead.py. Needs torch and lightning."""

from __future__ import annotations

from typing import Any

import lightning
import torch


class Tiny(torch.nn.Module):
    """For the Hugging Face Trainer: forward returns the loss it minimises."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(8, 2)

    def forward(self, x: Any, labels: Any = None) -> dict[str, Any]:
        logits = self.linear(x)
        return {"loss": torch.nn.functional.cross_entropy(logits, labels), "logits": logits}


class TinyLightning(lightning.LightningModule):
    """For Lightning; raises in its training step at `fail_at_epoch`, if given."""

    def __init__(self, fail_at_epoch: int | None = None) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(8, 2)
        self.fail_at_epoch = fail_at_epoch

    def training_step(self, batch: Any, _index: int) -> Any:
        if self.current_epoch == self.fail_at_epoch:
            raise RuntimeError("the loss went to NaN")
        x, y = batch
        return torch.nn.functional.cross_entropy(self.linear(x), y)

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=0.1)


def labelled(size: int) -> tuple[Any, Any]:
    """`size` random rows of 8 and their labels (whether the row sums above 0)."""
    x = torch.randn(size, 8, generator=torch.Generator().manual_seed(0))
    return x, (x.sum(dim=1) > 0).long()
