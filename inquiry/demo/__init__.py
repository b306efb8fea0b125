"""A demonstration database: two fictional inquiries into care at home, one finished and
one still in session, with an account for every role.

``content`` holds every word the demo says; ``build`` makes the inquiries through the
platform's own services; ``command`` is the ``demo`` command that fills an empty
database and prints the accounts. Every person, place and organisation in it is
invented.
"""

from __future__ import annotations

from .build import DemoAccount, build_demo

__all__ = ["DemoAccount", "build_demo"]
