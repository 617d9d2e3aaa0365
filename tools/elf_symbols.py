"""Code symbols of an ELF file (nm -n), for the instruction profilers
(tools/profile_ipc.py, profile_net.py, profile_vfs.py): sorted start addresses
and names of functions, and the function a program counter falls in."""
import bisect
import subprocess


def code_symbols(elf):
    """([start address], [name]) of the text symbols of `elf`, by address."""
    out = subprocess.run(["nm", "-n", elf], capture_output=True, text=True, check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


class Symbols:
    def __init__(self, elf):
        self.addrs, self.names = code_symbols(elf)

    def name(self, pc):
        """The function `pc` is in ("?" below the first symbol)."""
        i = bisect.bisect_right(self.addrs, pc) - 1
        return self.names[i] if i >= 0 else "?"
