"""End to end: the real bot, through python-telegram-bot's HTTP stack, against the emulator."""
