"""Pure clean-up the portal parsers share, one module per job: ``text`` (HTML to plain text),
``links`` (URLs, attachments), ``regions``, ``amounts``, ``sections``, ``periods`` and ``fields``
(the columns every parser fills alike).

Nothing here does I/O, and nothing is re-exported: import from the module that does the job.
"""
