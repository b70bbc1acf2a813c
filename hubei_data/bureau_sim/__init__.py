"""A national bureau (国家局) receiving server, as docs/bureau-interface.md defines it, for tests and drills."""
