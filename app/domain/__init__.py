"""Pure rules: no Flask, no database, no I/O beyond reading reference data."""
