"""The problems list prints every problem on one line, whoever reports it: control
characters and newlines from a hostile cell are escaped, long messages capped."""

from dataclasses import dataclass

from tokentco.io.errors import MAX_MESSAGE_CHARS
from tokentco.ui.problems import ProblemsPanel


@dataclass
class _Problem:
    location: str
    message: str


def test_hostile_messages_are_one_escaped_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = ProblemsPanel()
    qtbot.addWidget(panel)
    hostile = _Problem("f.csv:R2\nC3", "bad \x1b[31mred\x1b[0m\nsecond line " + "x" * 5000)
    panel.show_problems([hostile], "1 problem")
    (message,) = panel.messages()
    assert "\n" not in message and "\x1b" not in message
    assert "\\x1b" in message
    assert len(message) <= MAX_MESSAGE_CHARS + 3
    item = panel.tree.topLevelItem(0)
    assert item is not None and "\n" not in item.text(0)
