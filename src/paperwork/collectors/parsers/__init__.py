"""Pure portal parsers: bytes or text of a portal's answer in, ``RawItem``s and
``NormalizedProgram``s out. No I/O and no HTTP client anywhere in this package, so every
parser is tested on saved answers (``tests/fixtures/portals/``) and runs in the prepare pool's
worker process. Fetching is ``collectors.sources``' job.
"""
