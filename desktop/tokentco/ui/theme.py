"""Colours and fonts: Okabe–Ito (colour-blind safe), following the system light/dark palette."""

from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
# colour-vision deficiency. Black is replaced by grey so it also shows on a dark background.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey (stands in for black)
)

# Fixed meaning for cost components and for up/down steps, also from Okabe–Ito.
COMPONENT_COLOURS = {
    "rental": "#56B4E9",
    "capex": "#0072B2",
    "energy": "#E69F00",
    "opex": "#CC79A7",
}
DECREASE = "#009E73"
INCREASE = "#D55E00"
TARGET = "#D55E00"


def option_colour(index: int) -> QColor:
    return QColor(OKABE_ITO[index % len(OKABE_ITO)])


ESTIMATED_ALPHA = 70


def option_brush(index: int, measured: bool) -> QBrush:
    """Solid for measured throughput, pale with a coloured outline for estimated.

    The difference is one of lightness, not hue, so it survives colour-blindness and
    greyscale printing. (Hatch patterns were tried: Qt scales them with the plot's data
    transform, which made one bar chart take 60 ms to paint.)
    """
    colour = option_colour(index)
    if not measured:
        colour.setAlpha(ESTIMATED_ALPHA)
    return QBrush(colour)


def pale(colour: QColor) -> QColor:
    out = QColor(colour)
    out.setAlpha(ESTIMATED_ALPHA)
    return out


def is_dark(palette: QPalette | None = None) -> bool:
    pal = palette or QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def chart_background() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.Base)


def chart_foreground() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.Text)


def muted_foreground() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)


def highlight_outline() -> QColor:
    """The outline marking the cheapest option: the text colour, strong in both themes."""
    return chart_foreground()


def error_background() -> QColor:
    return QColor("#5a1f1f") if is_dark() else QColor("#fde2e1")


def html_colour(colour: QColor) -> str:
    return colour.name(QColor.NameFormat.HexRgb)
