"""``python -m pipeline`` runs the CLI."""

from .cli import app

if __name__ == "__main__":
    app()
