"""Accounts: who the users are, which organisations they belong to and in which role.

A separate app because identity, organisations and memberships are the scope of every
permission in RMM (cases, committees, actions all ask "which organisation, which role?"),
and they change for reasons of their own (staff arriving and leaving, networks reorganising).
"""
