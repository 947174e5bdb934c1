"""What the beat task and the management command call."""

from .services import purge_expired

__all__ = ["purge_expired"]
