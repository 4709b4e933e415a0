"""Nightly reporting jobs for finance and merchandising."""

__version__ = "0.14.2"
