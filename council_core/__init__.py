"""Council core: the router cascade, skills, settings, approvals and metrics. No Qt here."""

__version__ = "0.1.0"
