"""The database: the storage protocols (one per job, combined in ``Store``) and their backends."""
