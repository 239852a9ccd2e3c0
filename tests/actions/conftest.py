# The committee fixtures (a held session, a ready case) serve the actions tests too.
from tests.committees.conftest import ready_case, session  # noqa: F401
