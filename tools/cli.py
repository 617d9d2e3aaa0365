"""The one error guard every host tool runs its work under: whatever the input, the tool
answers `file:line:col: error: ...` (or `file: error: ...`) and exit status 1, never a
Python traceback. Tools raise their own positioned errors; this is the last line.
KOS_TOOLS_TRACEBACK=1 in the environment lets an unexpected exception through (debugging).
"""

import os
import pathlib
import sys

from tools.limits import NESTING_MAX


def report(where, msg):
    print("%s: error: %s" % (where, msg), file=sys.stderr)
    return 1


def guarded(where, work):
    """Run work() and return its exit status. `where` names the input (a file name)
    for the errors that carry no position of their own."""
    try:
        return work()
    except (KeyboardInterrupt, SystemExit):
        raise
    except RecursionError:
        return report(where, "nesting too deep (the tools accept %d levels)" % NESTING_MAX)
    except MemoryError:
        return report(where, "out of memory")
    except UnicodeError as e:
        return report(where, "not valid UTF-8 (%s)" % e.reason
                      if isinstance(e, UnicodeDecodeError) else str(e))
    except OSError as e:
        return report(e.filename or where, e.strerror or str(e))
    except Exception as e:               # a bug in the tool: still one line, still exit 1
        if os.environ.get("KOS_TOOLS_TRACEBACK"):
            raise
        return report(where, "internal error: %s: %s (please report this input)"
                      % (type(e).__name__, e))


def write_output(text, output):
    """Write a tool's generated text to `output` (its folder created), or to stdout
    when no output file was named. Returns the exit status 0."""
    if output:
        out = pathlib.Path(output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def decode(data, path, error):
    """bytes -> str, or error(line, col, msg) raised for the first byte that is not UTF-8
    (error returns the exception to raise)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise error(line, col, "not valid UTF-8 (byte 0x%02x)" % data[e.start]) from None
