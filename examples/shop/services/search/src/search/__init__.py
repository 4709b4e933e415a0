"""Search service: product search and offer lookups."""

__version__ = "1.19.0"
