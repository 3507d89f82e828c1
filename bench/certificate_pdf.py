"""Benchmark: certificate and marksheet PDFs (WeasyPrint), one render at a time.

Renders N certificates (default 200; each a different learner, a logo, two signatories, the
QR code and a ~2 KB embedded credential) and N/4 marksheets (12 score lines) after a warm-up
render, and prints p50/p95. Target: one certificate PDF p50 ≤ 150 ms on 2 cores.

Needs no database or services: the renderer takes plain data (lms/certificates/documents.py).
Run on demand: `make bench-certificates` (or `.venv/bin/python bench/certificate_pdf.py [N]`).
"""
from __future__ import annotations

import datetime
import io
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = ["Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Frances", "Tim", "Margaret", "José", "Zoë"]
LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Allen", "Berners-Lee", "Hamilton"]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def _png(width: int, height: int, color: str) -> bytes:
    from PIL import Image, ImageDraw

    out = io.BytesIO()
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((2, 2, width - 2, height - 2), radius=8, fill=color)
    image.save(out, "PNG")
    return out.getvalue()


def main(n: int = 200) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from lms.certificates.documents import (
        Branding, CertificateData, MarksheetData, ScoreLine, Signatory, render_certificate_pdf, render_marksheet_pdf,
    )

    branding = Branding(name="Acme Academy", primary_color="#7c3aed", logo=_png(240, 80, "#7c3aed"), signatories=(
        Signatory("Grace Hopper", "Dean of Studies", _png(300, 90, "#111827")), Signatory("Alan Turing", "Course lead")))

    def certificate(i: int) -> CertificateData:
        number = f"EC-{i:04d}-9QXT-2HRV"
        name = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
        credential = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": f"urn:uuid:{i:032x}",
                                 "credentialSubject": {"name": name, "achievement": {"name": "Analytical Engines 101",
                                                                                     "description": "x" * 1500}},
                                 "proof": {"cryptosuite": "eddsa-jcs-2022", "proofValue": "z" + "3FXQje" * 14}})
        return CertificateData(
            branding=branding, learner_name=name, course_title="Analytical Engines 101",
            issued_on=datetime.date(2025, 3, 4), grade_band="ABC"[i % 3], total_percent=Decimal(70 + i % 30),
            certificate_number=number, verification_url=f"https://acme.educrowd.test/verify/{number}",
            page_size=("A4", "Letter")[i % 2], credential_json=credential)

    lines = tuple(ScoreLine(("quiz", "assignment", "project", "lab")[k % 4], f"Item {k}", 8, 10, Decimal("8.33"),
                            Decimal("6.66")) for k in range(12))

    def marksheet(i: int) -> MarksheetData:
        c = certificate(i)
        return MarksheetData(branding=branding, learner_name=c.learner_name, course_title=c.course_title,
                             issued_on=c.issued_on, certificate_number=c.certificate_number,
                             verification_url=c.verification_url, lines=lines, total_score=96, total_max=120,
                             total_percent=80, grade_band="B", page_size=c.page_size)

    render_certificate_pdf(certificate(0))  # warm: fonts registered, stylesheet parsed, templates loaded
    render_marksheet_pdf(marksheet(0))
    load = os.getloadavg()[0]
    timings, cpu, size = [], [], 0
    for i in range(1, n + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        size += len(render_certificate_pdf(certificate(i)))
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    p50 = statistics.median(timings) * 1000
    print(f"certificate PDF: n={n} p50={p50:.0f} ms p95={percentile(timings, 95) * 1000:.0f} ms "
          f"(CPU p50={statistics.median(cpu) * 1000:.0f} ms; avg {size // n // 1024} KB) — target p50 ≤ 150 ms: "
          f"{'met' if p50 <= 150 else 'MISSED'}")
    timings, cpu = [], []
    for i in range(1, max(1, n // 4) + 1):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_marksheet_pdf(marksheet(i))
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"marksheet PDF:   n={len(timings)} p50={statistics.median(timings) * 1000:.0f} ms "
          f"p95={percentile(timings, 95) * 1000:.0f} ms (CPU p50={statistics.median(cpu) * 1000:.0f} ms)")
    print(f"load average: {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
