"""Labelled form fields with their hint and error next to them."""

from __future__ import annotations

import reflex as rx

from mypage import styles
from mypage.state.forms import field_id


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
    input_id = field_id(name)
    hint_id, error_id = f"{input_id}-hint", f"{input_id}-error"
    error = rx.Var.create(error)
    return rx.box(
        # The badge sits beside the label, not in it, so the label is exactly the guide's wording.
        rx.hstack(
            rx.el.label(rx.text(label, weight="bold", as_="span"), html_for=input_id),
            required_badge() if required else rx.fragment(),
            align="center",
            spacing="2",
        ),
        rx.cond(hint != "", rx.text(hint, id=hint_id, size="2", color=styles.MUTED), rx.fragment()),
        rx.el.input(
            id=input_id,
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


def error_summary(items: rx.Var, key: str, *, level: str = "h2", lead: str = "", attempt: rx.Var | None = None):
    """Every error of a form at once, above it (GOV.UK's pattern), each a link to its field.

    Args:
        items: The lines (mypage.state.forms.summary_items): label, message, href, target.
        key: The box's id; its heading's is `{key}-title`.
        level: The heading's level within the page.
        lead: What to do next, under the heading.
        attempt: A counter of failed tries, for the page script that focuses the summary.
    """
    has_errors = items.length() > 0
    return rx.box(
        rx.cond(
            has_errors,
            rx.fragment(
                rx.heading(
                    "入力内容に誤りがあります",
                    as_=level,
                    size="4" if level == "h2" else "3",
                    id=f"{key}-title",
                    style={"color": styles.ERROR},
                ),
                rx.text(lead) if lead else rx.fragment(),
                rx.el.ul(
                    rx.foreach(
                        items,
                        lambda item: rx.el.li(
                            rx.el.a(
                                rx.cond(item["label"] != "", item["label"] + "：", ""),
                                item["message"],
                                href=item["href"],
                                custom_attrs={"data-focus-field": item["target"]},
                                style=styles.link,
                            )
                        ),
                    ),
                    style={"padding_left": "1.25rem", "margin": "0.5rem 0 0"},
                ),
            ),
        ),
        id=key,
        tab_index=-1,
        role="group",
        aria_labelledby=f"{key}-title",
        custom_attrs={"data-attempt": attempt} if attempt is not None else {},
        style={**styles.card, "border": f"3px solid {styles.ERROR}", "display": rx.cond(has_errors, "block", "none")},
    )


def message_box(text: rx.Var, color: str, role: str = "status") -> rx.Component:
    """A message about the whole form, announced to screen readers; nothing when empty."""
    return rx.cond(
        text != "",
        rx.box(
            rx.text(text, weight="bold", style={"color": color}),
            role=role,
            style={**styles.card, "border": f"2px solid {color}"},
        ),
        rx.fragment(),
    )


def done_box(text: rx.Var) -> rx.Component:
    """A change went through: ✔ and what happened, in a live region that is always there."""
    return rx.box(
        rx.cond(
            text != "",
            rx.box(rx.text("✔ ", text, weight="bold"), style={**styles.card, "border": f"2px solid {styles.SUCCESS}"}),
            rx.fragment(),
        ),
        role="status",
        width="100%",
    )
