"""Emergency and rescue dispatch console.

The package is layered: a UI-free core (``model``, ``timeline``, ``playbook``,
``geo``, ``bus``, ``desk``) and thin edges (``cli``, ``tui``, ``unit``, drills).
"""

__version__ = "0.1.0"
