"""The operator console (Textual): the floor over the desk, its views, login and demo.

Only this package (and the field-unit screen) imports Textual; the modules
``texts``, ``demo``, ``session`` and ``drive`` do not, so they can be checked
and reused without a terminal.
"""
