"""The serving meter: a served model's energy per request and per token (issue 25, item 2).

`frugalkit serve-meter --upstream URL` forwards to an OpenAI-compatible server and gives
each request its share of the server's measured energy (ledger.py), with EcoLogits'
estimate beside it (windows.py).
"""

from frugalkit.serving.ledger import Exchange, Interval, Ledger
from frugalkit.serving.meter import ServingMeter

__all__ = ["Exchange", "Interval", "Ledger", "ServingMeter"]
