"""Every write on cases goes through these services: atomic, permission-checked, audited."""
