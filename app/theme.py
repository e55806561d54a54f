"""Colours from the system palette, never a fixed light theme.

The popup's style sheet is built from the current ``QPalette`` (window, base, text, mid and
highlight roles) and rebuilt when the palette changes, so a dark desktop gets a dark popup with
dark cards, inputs and code blocks.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

ERROR_ACCENT = "#d9534f"  # readable on light and dark backgrounds


def system_palette() -> QPalette:
    """The application's palette: the desktop's colours (a widget's own palette is changed by
    its style sheet, so it cannot tell light from dark any more)."""
    return QGuiApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    palette = system_palette() if palette is None else palette
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def mix(a: QColor, b: QColor, t: float) -> str:
    """``a`` moved ``t`` of the way towards ``b``, as #rrggbb."""
    r = round(a.red() + (b.red() - a.red()) * t)
    g = round(a.green() + (b.green() - a.green()) * t)
    bl = round(a.blue() + (b.blue() - a.blue()) * t)
    return f"#{r:02x}{g:02x}{bl:02x}"


def popup_style(palette: QPalette) -> str:
    role = QPalette.ColorRole
    window = palette.color(role.Window)
    base = palette.color(role.Base)
    text = palette.color(role.Text)
    wtext = palette.color(role.WindowText)
    high = palette.color(role.Highlight)
    muted = mix(wtext, window, 0.4)
    border = mix(window, wtext, 0.25)
    card_border = mix(base, text, 0.14)
    hover = mix(base, text, 0.08)
    notice_bg = mix(base, high, 0.12)
    error_bg = mix(base, QColor(ERROR_ACCENT), 0.1)
    return f"""
#popup {{ background: {window.name()}; border: 1px solid {border}; border-radius: 12px; }}
#feed {{ background: transparent; }}
QScrollArea#feedScroll, QScrollArea#feedScroll > QWidget > QWidget {{ background: transparent; }}
#title {{ font-size: 15px; font-weight: 600; color: {wtext.name()}; }}
#status, #meta, #hint {{ color: {muted}; font-size: 11px; }}
#welcome {{ color: {muted}; }}
#answerCard {{ background: {base.name()}; border: 1px solid {card_border}; border-radius: 8px; }}
#answerCard[error="true"] {{ border-color: {ERROR_ACCENT}; }}
#question {{ font-weight: 600; color: {text.name()}; }}
#sources {{ font-size: 11px; }}
#errorBox {{ color: {text.name()}; background: {error_bg};
  border-left: 3px solid {ERROR_ACCENT}; border-radius: 4px; padding: 6px; }}
#notice {{ color: {text.name()}; background: {notice_bg}; border-radius: 6px; padding: 6px; }}
#cardButton {{ color: {muted}; padding: 2px 6px; }}
#cardButton:hover {{ background: {hover}; color: {text.name()}; }}
#cardButton:disabled {{ color: {mix(base, text, 0.3)}; }}
#panelTitle {{ font-weight: 600; color: {wtext.name()}; }}
#input {{ padding: 4px; border: 1px solid {border}; border-radius: 6px; font-size: 14px;
  background: {base.name()}; color: {text.name()}; }}
#input:focus {{ border-color: {high.name()}; }}
"""
