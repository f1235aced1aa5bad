import atexit
import os
import sys

from .cli import main

code = main()
# The command's work is done and written. What a normal exit would still do is run the exit handlers
# (the page writer's close among them) and then tear down an interpreter holding papermill, nbformat
# and jupyter_client, about 0.1 s at the end of every run: the handlers run, the teardown is skipped.
atexit._run_exitfuncs()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
