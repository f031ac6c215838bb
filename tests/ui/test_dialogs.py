"""The dialogs in ui/dialogs/, opened from the menus as a user would."""

from PySide6.QtWidgets import QLabel

from tokentco.ui import settings


def test_shortcuts_dialog_lists_the_menu_keys(window) -> None:  # type: ignore[no-untyped-def]
    window.act_shortcuts.trigger()
    dialog = window.shortcuts_dialog
    assert dialog.isVisible()
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    for name, keys in (("Undo", "Ctrl+Z"), ("Import spreadsheets…", "Ctrl+I"), ("Recompute", "F5")):
        assert f"<td>{name}</td>" in text and f"<b>{keys}</b>" in text
    dialog.reject()


def test_preferences_change_the_autosave_interval(window) -> None:  # type: ignore[no-untyped-def]
    window.act_prefs.trigger()
    dialog = window.preferences_dialog
    dialog.interval.setValue(42)
    dialog.accept()
    assert settings.autosave_interval_s() == 42
    assert window._autosave_timer.interval() == 42_000
