"""The KasperskyOS SDK's system programs, as this system answers to their class names
(docs/SDK.md, "Program classes").

PROGRAMS: SDK classes whose program is here under another name.
ABSENT: SDK classes a real solution names (in init.yaml, in its policy) whose program
does not exist here. Their EDL (a header, no endpoints: the SDK's are not public) and a
`use <class>._` fragment that only declares the class are in tools/sysroot, so a
policy that names them compiles; tools/einit refuses an init.yaml that starts one
(a clear error, not a missing program), and tools/psl warns at a rule that selects
an endpoint or method of one (it can never apply). The text says what the program
is in the SDK and what does its work here.
"""

# VfsFsnet serves files (romfs, ramfs) and sockets in one process, so it is what
# KasperskyOS's VfsNet, VfsRamFs and VfsEntity programs are on this system.
PROGRAMS = {"kl.VfsNet": "VfsFsnet", "kl.VfsRamFs": "VfsFsnet", "kl.VfsEntity": "VfsFsnet"}

ABSENT = {
    "kl.core.DCM": "the dynamic connection manager: channels here are the static ones of init.yaml",
    "kl.EntropyEntity": "the random number program: the kernel gives entropy (kl.core.Sys "
                        "GetEntropy, getentropy())",
    "kl.VfsSdCardFs": "the SD card file system: there is no SD card driver; kl.VfsRamFs serves files",
    "kl.drivers.SDCard": "the SD card driver: there is none",
    "kl.drivers.RAMDisk": "the RAM disk driver: kl.VfsRamFs keeps its files in its own memory",
    "kl.drivers.BSP": "the board support program: the kernel sets the board up",
    "kl.drivers.GPIO": "the GPIO driver: there is none",
    "kl.drivers.PinCtrl": "the pin multiplexing driver (Radxa ROCK 3A): there is none",
    "kl.drivers.Bcm2711MboxArmToVc": "the VideoCore mailbox driver: the kernel and the firmware's "
                                     "config.txt set the board up",
    "kl.drivers.DNetSrv": "the network driver server: the NIC driver is in kl.VfsNet (VfsFsnet)",
    "kl.drivers.DNetSrvMbim": "the cellular modem (MBIM) network driver server: there is none",
    "kl.drivers.USB": "the USB driver: there is none",
    "kl.drivers.PCIE": "the PCIe driver: there is none",
    "kl.rump.Dhcpcd": "the DHCP client: kl.VfsNet (VfsFsnet) configures its network itself "
                      "(DHCP or static, docs/NET.md)",
    "kl.Ntpd": "the NTP client: the time comes from the RTC (kl.core.Sys GetRealTime)",
    "kl.bc.BlobContainer": "the shared library loader: programs are static",
    "kl.core.NameServer": "the name server: channels here are the static ones of init.yaml, found "
                          "with ServiceLocatorConnect",
    "execution_manager.ExecMgrEntity": "the execution manager: the tasks here are init.yaml's, "
                                       "started by Einit",
    "python.Python3": "the Python interpreter: programs are C",
    "logrr.Server": "the log server: programs write to the console",
    "logrr.FsOutputChannel": "the log server's file output: programs write to the console",
}


def absent(cls):
    """The text for an SDK class whose program is not here, or None."""
    return ABSENT.get(cls)
