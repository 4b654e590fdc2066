"""The Telegram adapter, the command line and the Bot API emulator."""
