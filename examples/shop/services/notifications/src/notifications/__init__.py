"""Notifications service: transactional e-mail."""

__version__ = "1.7.3"
