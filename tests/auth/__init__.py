"""Tests of paperwork.auth. A package, so its test modules may share their names with
other folders' (test_repository.py, test_seed_router.py)."""
