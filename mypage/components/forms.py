"""Labelled form fields with their hint and error next to them."""

from __future__ import annotations

import reflex as rx

from mypage import styles


def required_badge() -> rx.Component:
    """The guide's 必須 mark; hidden from screen readers, which hear aria-required instead.

    So the field's accessible name stays the guide's wording (パスワード, not パスワード必須).
    """
    return rx.badge("必須", color_scheme="red", variant="solid", size="1", aria_hidden="true")


def field(
    label: str,
    name: str,
    *,
    type_: str = "text",
    hint: str = "",
    error: rx.Var | str = "",
    required: bool = False,
    **input_props,
) -> rx.Component:
    """A text box with its label, hint and error message; the label is the accessible name."""
    field_id = f"field-{name}"
    hint_id, error_id = f"{field_id}-hint", f"{field_id}-error"
    error = rx.Var.create(error)
    return rx.box(
        # The badge sits beside the label, not in it, so the label is exactly the guide's wording.
        rx.hstack(
            rx.el.label(rx.text(label, weight="bold", as_="span"), html_for=field_id),
            required_badge() if required else rx.fragment(),
            align="center",
            spacing="2",
        ),
        rx.cond(hint != "", rx.text(hint, id=hint_id, size="2", color=styles.MUTED), rx.fragment()),
        rx.el.input(
            id=field_id,
            name=name,
            type=type_,
            aria_describedby=f"{hint_id} {error_id}" if hint else error_id,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_required="true" if required else None,
            style={
                "width": "100%",
                "min_height": styles.TOUCH_TARGET,
                "font_size": "var(--font-size-3)",
                "padding": "0.25rem 0.75rem",
                "border": rx.cond(error != "", f"2px solid {styles.ERROR}", f"1px solid {styles.BORDER}"),
                "border_radius": "0.375rem",
                "background": "white",
                "color": styles.TEXT,
            },
            **input_props,
        ),
        rx.text(rx.cond(error != "", "⚠ " + error, ""), id=error_id, role="alert", style=styles.error_text),
        width="100%",
    )
