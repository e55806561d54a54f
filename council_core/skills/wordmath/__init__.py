"""Word problems, program-aided (entry point ``council_core.skills.wordmath:WordMathSkill``).

``cues`` decides from the text alone whether a prompt is a quantitative question in words;
``prompt`` holds the fixed few-shot prompt; ``program`` reads what a program printed; ``skill``
writes, runs (in the Firejail sandbox) and cross-checks the programs.
"""

from .skill import WordMathSkill

__all__ = ["WordMathSkill"]
