"""What Youth Voice does, once, behind every door: the CLI, the Telegram handlers and the tests
call these use cases. Nothing here imports telegram or click."""
