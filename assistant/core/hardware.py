"""What this machine has: physical cores and free memory. Standard library only."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def physical_cores() -> int:
    """Physical CPU cores (hyper-threads not counted), at least 1.

    llama.cpp runs fastest with one thread per physical core; llama-cpp-python's own default
    (``cpu_count() // 2``) halves the speed on machines without SMT.
    """
    cpu_root = Path("/sys/devices/system/cpu")
    try:
        allowed = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        allowed = set(range(os.cpu_count() or 1))
    siblings: set[str] = set()
    for cpu in allowed:
        topology = cpu_root / f"cpu{cpu}" / "topology" / "thread_siblings_list"
        try:
            siblings.add(topology.read_text().strip())
        except OSError:
            siblings.clear()
            break
    if siblings:
        return len(siblings)
    count = os.cpu_count() or 1
    try:  # macOS
        import subprocess

        out = subprocess.run(["sysctl", "-n", "hw.physicalcpu"], capture_output=True,
                             text=True, timeout=2, check=False).stdout.strip()
        if out.isdigit():
            return max(1, int(out))
    except (OSError, subprocess.SubprocessError):
        pass
    return max(1, count)


def available_memory_bytes() -> int | None:
    """Memory a new allocation can get without swapping, or None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
