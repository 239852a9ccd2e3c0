"""Every write of the committees app: atomic, permission-checked, and moving cases only through
the case workflow services (so each move is audited there)."""
