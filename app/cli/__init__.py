"""Command-line entry points: huddle, huddle-server, huddle-token, huddle-bot."""
