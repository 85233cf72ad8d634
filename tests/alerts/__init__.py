"""Tests of paperwork.alerts. A package, so its test modules may share their names with
other folders'."""
