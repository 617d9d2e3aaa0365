"""The board's serial console for tests: a QEMU process (pexpect) or a real
serial port (pyserial under pexpect.fdpexpect).

    con = Console.spawn(argv, log_path)            # QEMU (or any command)
    con = Console.open_serial("/dev/ttyUSB0", 115200, log_path)
    m = con.expect(r"timer: (\\d+) Hz", timeout=10)  # re.Match; m.group(1)
    con.send("ls /")                                 # line + con.eol
    status = con.read_until_exit(timeout=30)         # QEMU's exit status
    con.close()

Every wait watches for `KERNEL PANIC`: when it shows up the test fails at once
(KernelPanic, an AssertionError) with the tail of the console log, unless the
console was opened with panic_ok=True (tests that provoke a panic). Every
timeout is multiplied by timeout_scale (pytest --timeout-scale). The whole
console output goes to the log file as it arrives.
"""
import os
import re
import time

import pexpect
import pexpect.fdpexpect

PANIC_RE = r"KERNEL PANIC"
# The kernel's last line before powering off (arch_poweroff): the exit status on
# real hardware, where there is no process to wait for.
POWEROFF_RE = r"power off \(status (-?\d+)\)"
TAIL_LINES = 40
_CRNL = re.compile(r"\r+\n")


class ConsoleError(AssertionError):
    """A console wait went wrong; the message ends with the log's tail."""


class KernelPanic(ConsoleError):
    pass


class ConsoleTimeout(ConsoleError):
    pass


class ConsoleEOF(ConsoleError):
    pass


class _Log:
    """pexpect's logfile_read: writes through to the log file, keeps the text.
    Line ends are normalised (the kernel's \r\n plus the pty's onlcr give \r\r\n)."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "a", encoding="utf-8", errors="replace")
        self.text = ""
        self._cr = ""

    def write(self, s):
        s = self._cr + s
        body = s.rstrip("\r")
        self._cr = s[len(body):]
        body = _CRNL.sub("\n", body)
        self.text += body
        self.file.write(body)

    def flush(self):
        self.file.flush()

    def note(self, line):
        if self._cr:
            self.write("")
        if self.text and not self.text.endswith("\n"):
            self.write("\n")
        self.file.write(f"#### {line}\n")
        self.file.flush()

    def close(self):
        if not self.file.closed:
            self.file.close()


class Console:
    eol = "\n"

    def __init__(self, child, log_path, *, timeout_scale=1.0, panic_ok=False, serial=None,
                 description=""):
        self.child = child
        self.log = _Log(log_path) if not isinstance(log_path, _Log) else log_path
        self.log_path = self.log.path
        self.scale = float(timeout_scale)
        self.panic_ok = panic_ok
        self.serial = serial
        self.exitstatus = None
        self._panic_reported = False
        self._closed = False
        child.logfile_read = self.log
        if description:
            self.log.note(description)

    # ------------------------------------------------------------ opening
    @classmethod
    def spawn(cls, argv, log_path, **kw):
        """Start `argv` (QEMU) on a pseudo-terminal."""
        log = _Log(log_path)
        log.note("spawn: " + " ".join(_quote(a) for a in argv))
        child = pexpect.spawn(argv[0], list(argv[1:]), encoding="utf-8", codec_errors="replace",
                              echo=False, dimensions=(50, 250), env=os.environ.copy())
        return cls(child, log, **kw)

    @classmethod
    def open_serial(cls, port, baud, log_path, **kw):
        """Attach to a real board's serial port (8N1, no flow control)."""
        import serial  # python3-serial; only needed for real hardware
        ser = serial.Serial(port, int(baud), timeout=0)
        ser.reset_input_buffer()
        log = _Log(log_path)
        log.note(f"serial: {port} at {baud} baud")
        child = pexpect.fdpexpect.fdspawn(ser.fileno(), encoding="utf-8", codec_errors="replace")
        return cls(child, log, serial=ser, **kw)

    # ------------------------------------------------------------ reading
    @property
    def text(self):
        """Everything the console printed so far."""
        return self.log.text

    def tail(self, lines=TAIL_LINES):
        return "\n".join(self.log.text.splitlines()[-lines:])

    def _fail(self, exc_type, what):
        self.log.flush()
        raise exc_type(f"{what}\n--- console log {self.log_path} (last {TAIL_LINES} lines) ---\n"
                       f"{self.tail()}")

    def _panic(self):
        """A panic was seen: gather the report that follows, then fail the test."""
        self._panic_reported = True
        # Until the kernel powers off, output ends, or it stays quiet for 0.5 s.
        deadline = time.monotonic() + 3 * self.scale
        try:
            while time.monotonic() < deadline:
                seen = len(self.log.text)
                if self.child.expect([POWEROFF_RE, pexpect.EOF, pexpect.TIMEOUT],
                                     timeout=0.5 * self.scale) < 2:
                    break
                if len(self.log.text) == seen:
                    break
        except Exception:
            pass
        self._fail(KernelPanic, "kernel panic on the console")

    def expect(self, pattern, timeout=10.0):
        """Wait for a regex (or any of a list of them) on the console.

        Returns the re.Match (self.index tells which pattern of a list matched).
        Fails on timeout, end of output, and (unless panic_ok) a kernel panic.
        """
        pats = list(pattern) if isinstance(pattern, (list, tuple)) else [pattern]
        pats = [p if isinstance(p, re.Pattern) else re.compile(p) for p in pats]
        watch = [] if self.panic_ok else [re.compile(PANIC_RE)]
        i = self.child.expect(watch + pats + [pexpect.EOF, pexpect.TIMEOUT],
                              timeout=timeout * self.scale)
        if i < len(watch):
            self._panic()
        i -= len(watch)
        wanted = " or ".join(repr(p.pattern) for p in pats)
        if i == len(pats):
            self._reap()
            self._fail(ConsoleEOF, f"console ended (exit status {self.exitstatus}) while "
                                   f"waiting for {wanted}")
        if i == len(pats) + 1:
            self._fail(ConsoleTimeout, f"timed out after {timeout * self.scale:g} s waiting "
                                       f"for {wanted}")
        self.index = i
        return self.child.match

    def expect_panic(self, timeout=10.0):
        """Wait for a kernel panic that the test provoked; returns the match."""
        self.panic_ok = True
        return self.expect(PANIC_RE, timeout)

    # ------------------------------------------------------------ writing
    def send(self, line):
        """Send a line (self.eol appended)."""
        self.child.send(line + self.eol)

    def write(self, data):
        """Send raw characters."""
        self.child.send(data)

    # ------------------------------------------------------------ exit
    def _reap(self):
        if self.serial is not None or self.exitstatus is not None:
            return
        try:
            self.child.wait()
        except pexpect.ExceptionPexpect:
            pass
        self.child.close()
        st = self.child.exitstatus
        self.exitstatus = st if st is not None else -(self.child.signalstatus or 0)

    def read_until_exit(self, timeout=30.0):
        """Read until QEMU exits and return its exit status (on real hardware: the
        status of the kernel's `power off (status N)` line). Fails on a panic
        unless panic_ok."""
        watch = [] if self.panic_ok else [re.compile(PANIC_RE)]
        end = re.compile(POWEROFF_RE) if self.serial is not None else pexpect.EOF
        deadline = time.monotonic() + timeout * self.scale
        while True:
            left = deadline - time.monotonic()
            i = self.child.expect(watch + [end, pexpect.TIMEOUT] +
                                  ([pexpect.EOF] if self.serial is not None else []),
                                  timeout=max(left, 0))
            if i < len(watch):
                self._panic()
            i -= len(watch)
            if i == 0:
                if self.serial is not None:
                    self.exitstatus = int(self.child.match.group(1))
                else:
                    self._reap()
                return self.exitstatus
            if i == 1:
                self._fail(ConsoleTimeout, f"still running after {timeout * self.scale:g} s")
            self._fail(ConsoleEOF, "serial port closed before the kernel powered off")

    wait_exit = read_until_exit

    def drain(self):
        """Take in whatever output is pending, without waiting."""
        try:
            while True:
                self.child.read_nonblocking(65536, timeout=0.05)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError, ValueError):
            pass

    def check_no_panic(self):
        """Fail if a panic was printed that no wait has reported yet (teardown)."""
        if self.panic_ok or self._panic_reported or self._closed:
            return
        self.drain()
        if re.search(PANIC_RE, self.log.text):
            self._panic_reported = True
            self._fail(KernelPanic, "kernel panic on the console")

    def close(self):
        """Stop QEMU (if still running) and close the log; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.serial is not None:
                self.serial.close()
            elif self.child.isalive():
                self.child.terminate(force=True)
                self._reap()
            else:
                self._reap()
        finally:
            self.log.note(f"closed (exit status {self.exitstatus})")
            self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _quote(arg):
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"
