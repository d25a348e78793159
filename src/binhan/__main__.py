"""`binhan` is the management command (what manage.py is in other projects)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binhan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([os.path.basename(sys.argv[0]) or "binhan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
