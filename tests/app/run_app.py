"""Runs the real app (app.main.main) with a streaming test skill: for the Xvfb test.

COUNCIL_TEST_PALETTE=dark gives the application a dark palette before the app starts, as a
dark desktop theme (a platform theme plugin) would."""

import os
import sys

from gui_helpers import StreamSkill, council_with

from app.main import main

if __name__ == "__main__":
    StreamSkill.delay_s = 0.02
    if os.environ.get("COUNCIL_TEST_PALETTE") == "dark":
        from PySide6.QtGui import QColor, QPalette
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv)
        app.setStyle("Fusion")
        pal = QPalette()
        role = QPalette.ColorRole
        for r, c in ((role.Window, "#202124"), (role.WindowText, "#e8eaed"),
                     (role.Base, "#2b2c30"), (role.AlternateBase, "#303134"),
                     (role.Text, "#e8eaed"), (role.Button, "#303134"),
                     (role.ButtonText, "#e8eaed"), (role.Highlight, "#8ab4f8"),
                     (role.HighlightedText, "#202124"), (role.Mid, "#5f6368"),
                     (role.PlaceholderText, "#9aa0a6")):  # fmt: skip
            pal.setColor(r, QColor(c))
        for r in (role.ButtonText, role.Text, role.WindowText):
            pal.setColor(QPalette.ColorGroup.Disabled, r, QColor("#6b6f75"))
        app.setPalette(pal)
    sys.exit(main(factory=council_with(StreamSkill)))
