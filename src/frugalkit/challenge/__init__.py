"""Organisers' challenges: phases, public and private parts of the test set, quotas,
teams with tokens of their own, uploaded submissions evaluated in the sandbox, boards."""

from frugalkit.challenge.service import add_team, board, create, mine, shipped_challenge, upload
from frugalkit.challenge.spec import ChallengeSpec, load_spec

__all__ = [
    "ChallengeSpec",
    "add_team",
    "board",
    "create",
    "load_spec",
    "mine",
    "shipped_challenge",
    "upload",
]
