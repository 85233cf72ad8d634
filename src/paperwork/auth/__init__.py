"""Admin authentication: the token rules (``tokens.py``: create, hash, verify, revoke), their table
(``repository.py``) and the ``AdminDep`` guard of every endpoint that changes data or starts work
(``dependency.py``)."""
