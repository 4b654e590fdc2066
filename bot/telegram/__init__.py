"""The Telegram adapter: the python-telegram-bot Application, its handlers, and rendering.
The only code in Youth Voice that imports ``telegram``."""
