"""Youth Voice tests."""
