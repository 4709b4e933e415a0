"""Payments service: authorise, capture and refund card payments."""

__version__ = "4.12.0"
