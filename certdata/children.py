"""Child processes that end with the build.

Takes: the build's process id, in the child. Gives: ``die_with_parent``, which has
the kernel kill the child when the build dies (a killed build leaves no validation
or name-parsing process behind holding its stderr or its files), and ``signals_held``
for the parent while it forks.
"""
import contextlib
import os
import signal
import threading


# The signals that stop a build or an import as Ctrl-C does: every catchable one whose default ends the
# process where it stands (leaving its stage or a half-written data/), but the faults the process raises
# itself (SIGSEGV and the like) and SIGPIPE (which Python ignores). SIGKILL cannot be caught.
STOP_SIGNALS = tuple(dict.fromkeys(
    [getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGPWR",
                                        "SIGVTALRM", "SIGPROF", "SIGIO", "SIGXCPU", "SIGXFSZ", "SIGSTKFLT", "SIGTRAP")
     if hasattr(signal, name)]
    + (list(range(signal.SIGRTMIN, signal.SIGRTMAX + 1)) if hasattr(signal, "SIGRTMIN") else [])))


def die_with_parent(parent):
    """Linux: have the kernel kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pipes still end the child with the build
        pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


@contextlib.contextmanager
def signals_held():
    """Hold Ctrl-C and the STOP_SIGNALS while a child is forked: an exception a handler raises during a fork is
    printed and dropped by Python. A held signal arrives, and stops the build, once the fork is done."""
    held = {signal.SIGINT, *STOP_SIGNALS}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
