"""What a process costs, read from /proc (Linux): proportional and private memory, CPU seconds.

Resident memory (RSS) counts every shared page in full, and a lab kernel's RSS is mostly TensorFlow's
shared libraries, which the page cache shares between kernels. PSS divides each shared page between
the processes mapping it, so the PSS of all kernels adds up to what they use together; private memory
(Private_Clean + Private_Dirty) is what one kernel alone would give back when it stops.
"""
import os
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def pids_of_uid(uid):
    """The pids of every process whose real uid is uid."""
    found = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("Uid:"):
                    if int(line.split()[1]) == uid:
                        found.append(int(entry.name))
                    break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def cmdline(pid):
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def memory_mib(pid):
    """{'rss', 'pss', 'private'} in MiB from smaps_rollup, or None when the process is gone."""
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    kib = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
            kib[parts[0][:-1]] = int(parts[1])
    return {"rss": kib.get("Rss", 0) / 1024, "pss": kib.get("Pss", 0) / 1024,
            "private": (kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0)) / 1024}


def cpu_seconds(pid):
    """User + system CPU seconds of a process (all its threads), or None when it is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)


def used_memory_mib():
    """The machine's used memory, MemTotal - MemAvailable, in MiB."""
    info = {}
    for line in (PROC / "meminfo").read_text().splitlines():
        name, value = line.split(":", 1)
        info[name] = int(value.split()[0])
    return (info["MemTotal"] - info["MemAvailable"]) / 1024
