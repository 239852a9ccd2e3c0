"""Committees: review committees, their RMM sessions (agenda, attendance, minutes) and the
reviews they record on cases.

A separate app because sessions and reviews have a lifecycle of their own (a session is
planned, held and minuted independently of any one case), a membership of their own (chair,
secretary, members, external experts, each bound by the confidentiality charter) and reference
data of their own (ICD-PM, ALARM grid, delays, pathway stages). It depends on `cases` (it moves
cases onto agendas and records their reviews); `cases` does not depend on it.
"""
