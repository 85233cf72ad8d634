"""Portal sources: page through a portal with the shared ``PortalFetcher`` and yield
``RawItem``s. Everything here does I/O and nothing here parses: a source hands each answer's
bytes to its portal's pure parser (``collectors.parsers``).
"""
