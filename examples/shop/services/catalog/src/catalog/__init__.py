"""Catalog service: products, prices and stock."""

__version__ = "3.8.1"
