"""Signals other apps listen to. ``staff_register_changed`` is sent after a staff import
has committed, with the municipality: the allowance schemes update their eligible
employees from it."""

from __future__ import annotations

from django.dispatch import Signal

staff_register_changed = Signal()  # sender: Municipality's class; kwargs: municipality_id
