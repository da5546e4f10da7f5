import gc

from .cli import main

status = main()
gc.freeze()  # nothing is left to free at exit: skip the last collection over every imported object (~0.1 s)
raise SystemExit(status)
