"""``{{ mapping|get_item:key }}``: look a key up in a dict from a template."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
