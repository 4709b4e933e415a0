"""Checkout service: basket to order, then a payment through the payments service."""

__version__ = "2.31.4"
