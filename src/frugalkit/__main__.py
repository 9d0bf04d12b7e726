"""`python -m frugalkit` is the `frugalkit` command."""

import sys

from frugalkit.cli import main

sys.exit(main())
