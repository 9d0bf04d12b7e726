"""The library: answers from long environmental reports, with citations and footprints."""
