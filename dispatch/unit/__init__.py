"""The field-unit client: a recipient's orders and status reports, without a screen.

The Textual screen (``dispatch/unit/app.py``) and the simulated recipients
drive :class:`~dispatch.unit.client.UnitClient`; neither holds logic of its own.
"""
