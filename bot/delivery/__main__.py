"""`python -m bot.delivery`: the delivery worker (see bot/delivery/worker.py)."""

import sys

from bot.delivery.worker import main

sys.exit(main())
