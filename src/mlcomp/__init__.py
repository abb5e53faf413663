"""mlcomp: what an ML engineer is paid, and why (every rule with its source)."""

__version__ = "0.1.0"
