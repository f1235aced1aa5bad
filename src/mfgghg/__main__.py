from mfgghg.runner.cli import main
from mfgghg.runner.fast.processes import exit_without_teardown

code = main()
# The command's work is done and written: its exit handlers run (the page writer's close among them),
# and the teardown of an interpreter holding papermill, nbformat and jupyter_client (about 0.1 s at
# the end of every run) is skipped.
exit_without_teardown(code)
