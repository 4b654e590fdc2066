"""The running bot's loops: delivery of the outbox, the planner, and the runner that starts
and stops them with the Telegram application."""
