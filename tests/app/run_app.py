"""Runs the real app (app.main.main) with a streaming test skill: for the Xvfb test."""

import sys

from gui_helpers import StreamSkill, council_with

from app.main import main

if __name__ == "__main__":
    StreamSkill.delay_s = 0.02
    sys.exit(main(factory=council_with(StreamSkill)))
