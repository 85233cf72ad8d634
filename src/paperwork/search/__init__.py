"""Search v2's pure building blocks (issue 12): ``normalize`` (text folded the same way at ingest
and at query time), ``tokens`` (the Korean uni/bigram and Latin word-prefix tokens an index stores
and a query requires), ``abbreviations`` (agency short names and their full names, either form
finding both) and ``highlight`` (a result's title and description snippet with the matches
marked).

Nothing here touches a database or HTTP: the repositories that index and query these tokens build
on them. Nothing is re-exported: import from the module that does the job.
"""
