"""Interchange with other centres and the public: NENA EIDO incidents, OASIS CAP 1.2 alerts."""
