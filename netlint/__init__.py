"""netlint: a policy-as-code linter for Kubernetes network and infrastructure mistakes."""

from __future__ import annotations

__version__ = "0.1.0"
