"""One wrk run for the load benches: a Lua script, N connections for D seconds, parsed figures."""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def wrk_run(*, port: int, lua: str, duration: int, connections: int) -> dict:
    """-> {"rps", "p50", "p99" (milliseconds), "non2xx"}."""
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(lua)
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script),
             f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        script.unlink()

    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency("50"),
            "p99": latency("99"), "non2xx": int(non2xx.group(1)) if non2xx else 0}
