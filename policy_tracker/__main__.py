"""`python -m policy_tracker`."""

from .cli import main

main()
