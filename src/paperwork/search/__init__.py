"""What search means, pure (issue 12): ``normalize`` (text folded the same way at ingest and at
query time), ``tokens`` (a field's positioned units and a query word's chain and exact rule),
``index`` (the columns a program is stored with and a query as ``tsquery``/FTS5 text),
``abbreviations`` (agency short names and their full names, either form finding both),
``query`` (a parsed query with its alternatives and phrase), ``scoring`` (the relevance score)
and ``highlight`` (a result's title and description snippet with the matches marked).

Nothing here touches a database or HTTP: ``programs/search_repository`` and
``programs/relevance_repository`` build the SQL on it. Nothing is re-exported: import from the
module that does the job.
"""
