"""Closed vocabularies, each defined once: rule categories and DR strategies (checkov's `CheckCategories` is the
model). Rules, tier tables, documentation, reports and the manifest schema import them from here."""

from __future__ import annotations

import enum


class Category(enum.Enum):
    """A rule's category. Declaration order is the order of the docs and reports, and gives the hundreds digit of
    the category's SL ids (`manifest` SL0xx ... `governance` SL9xx)."""

    MANIFEST = "manifest"
    PEOPLE = "people"
    AVAILABILITY = "availability"
    CONTINUITY = "continuity"
    INCIDENT = "incident"
    SECURITY = "security"
    COMPLIANCE = "compliance"
    DEPENDENCIES = "dependencies"
    EVIDENCE = "evidence"
    GOVERNANCE = "governance"

    @property
    def digit(self) -> str:
        """The hundreds digit of the category's SL ids."""
        return str(list(Category).index(self))

    @property
    def title(self) -> str:
        """Short title, for report tables: `Continuity`."""
        return self.value.capitalize()

    @property
    def heading(self) -> str:
        """Long title, for the rule docs: `Continuity, DR and backups (SL3xx)`."""
        return f"{_HEADINGS.get(self, self.title)} ({'SL' + self.digit}xx)"


_HEADINGS = {
    Category.MANIFEST: "Manifest validity",
    Category.PEOPLE: "People and ownership",
    Category.CONTINUITY: "Continuity, DR and backups",
    Category.INCIDENT: "Incident thresholds and process",
    Category.COMPLIANCE: "Compliance and data",
    Category.DEPENDENCIES: "Dependencies and suppliers",
}

CATEGORIES = tuple(c.value for c in Category)
"""Category names, in order."""


class Strategy(enum.Enum):
    """A disaster-recovery strategy, weakest first: a later one meets any earlier minimum."""

    BACKUP_RESTORE = "backup-restore"
    PILOT_LIGHT = "pilot-light"
    WARM_STANDBY = "warm-standby"
    ACTIVE_ACTIVE = "active-active"


STRATEGIES = tuple(s.value for s in Strategy)
"""Strategy names, weakest first."""
