"""scripts/kernel_memory.py: its probe reads a kernel's own peak and current resident memory."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))  # the scripts import their sibling labrun module
spec = importlib.util.spec_from_file_location("kernel_memory", ROOT / "scripts" / "kernel_memory.py")
kernel_memory = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kernel_memory)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_probe_prints_peak_and_resident_mib():
    out = subprocess.run([sys.executable, "-c", kernel_memory.PROBE], capture_output=True, text=True, check=True)
    label, peak, resident = out.stdout.split()
    assert label == "MEMORY" and int(peak) >= int(resident) > 0
