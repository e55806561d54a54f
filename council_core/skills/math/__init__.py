"""Lightning Math: the math skill (entry point ``council_core.skills.math:MathSkill``).

Text goes through a closed grammar (``parser``) into plain tuples, then either exact
``Fraction`` arithmetic (``exact``, no SymPy import) or SymPy objects built from a whitelist
(``build``); nothing ever reaches ``eval``, ``sympify`` or ``parse_expr``.
"""

from .skill import MathSkill

__all__ = ["MathSkill"]
