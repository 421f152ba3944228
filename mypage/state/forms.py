"""What the form states share with the form components: field ids and error-summary lines."""

from __future__ import annotations

from collections.abc import Callable


def field_id(name: str) -> str:
    """The id of a field's input, which its label, its error link and set_value use."""
    return f"field-{name}"


def summary_items(
    errors: dict[str, str], labels: dict[str, str], ids: Callable[[str], str] = field_id
) -> list[dict[str, str]]:
    """The error summary's lines, in the order of `errors`: label, message, link to the field."""
    return [
        {"label": labels[name], "message": message, "href": f"#{ids(name)}", "target": ids(name)}
        for name, message in errors.items()
        if message and name in labels
    ]
