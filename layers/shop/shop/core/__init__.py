"""The shared kernel: errors (each with its HTTP status and code), integer-fen money, ids, opaque
cursors and the base request models with the free-text rules. Pure values, no I/O; imports nothing
else of the shop."""
