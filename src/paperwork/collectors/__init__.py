"""Collecting the portals' announcements.

Collection flows scheduler → ``runner`` → ``sources`` (fetch through ``http_client``) →
``parsers`` (pure: bytes in, ``NormalizedProgram`` out, helped by ``normalize``) → ``pipeline``
(score, compare, upsert) → ``repository`` (the SQL). ``registry`` maps a portal id to its parser
and source; ``importer`` and ``prepare_pool`` take saved answers through the same pipeline.
"""
