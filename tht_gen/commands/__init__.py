"""One module per ``tht-gen`` subcommand; each defines ``register(subparsers)`` and may set
``ORDER`` (an int) to place itself in ``tht-gen --help``."""
