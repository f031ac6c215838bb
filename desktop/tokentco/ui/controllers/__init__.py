"""What the main window's menus do, one controller per concern (session and files, import,
export and print). A controller holds no state the window needs to paint; it reads the
document, opens dialogs and reports through the window's message helpers, so
``mainwindow.py`` is layout and wiring only (MNELAB's "an action is a few lines").
"""
