"""The workbench's dialogs, one per module (MNELAB's layout): each builds its widgets and
returns what the user chose; the window's controllers decide what to do with it."""
