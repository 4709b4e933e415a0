"""shiftleft: continuity, availability, security and compliance requirements as a merge gate."""

__version__ = "0.1.0"
