"""The database: the Store protocol and its backends. The only package that speaks SQL."""
