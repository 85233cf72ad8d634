"""The benchmark harness (``make bench``, issue 6): a throwaway PostgreSQL database filled with
realistic synthetic programs through the real ingest path, the server started as production
runs it, and load from a second process. A measurement tool: it never fails on a budget.

Kept empty of imports: ``python -m bench.load`` runs a submodule as ``__main__``, which must
not already have been imported by the package."""
