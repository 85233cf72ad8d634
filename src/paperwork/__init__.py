"""Paperwork AI backend: collects Korean business-support announcements and serves them."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("paperwork")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
