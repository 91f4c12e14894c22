"""Split a py-spy profile of ``portal_save_cpu.py`` into the parts of a portal save.

Reads the raw (collapsed) stacks that ``py-spy record --gil -f raw`` writes and gives each
sample to the first part whose frame it contains, top to bottom of the list below. Seeding, the
links being opened, imports and samples without a stack are left out. Prints one line per
part, with its share.

    .venv/bin/python bench/spy_breakdown.py save.txt [--other]
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

SETUP = ("_find_and_load", "seed (", "open_link (", "build_app (", "migrate")
PARTS: list[tuple[str, tuple[str, ...]]] = [
    ("audit append", ("record (app/audit/service.py",)),
    ("portal session and request", ("get_portal_request (",)),
    ("organisation settings", ("_organisation (app/portal/routes.py",)),
    ("conditional update of the answer", ("_update_answer (", "_insert_answer (")),
    ("loading the request's answers", ("load_answers (",)),
    (
        "visibility and progress",
        ("_visible_ids (", "build_sections (", "progress (", "documents_of (", "changed_views ("),
    ),
    (
        "parsing and checking the answer",
        ("answer_from_form", "_check_value", "frozen_definition", "expected_version"),
    ),
    ("request row and flush", ("save_answer (app/requests/answer_store.py",)),
    ("rest of the save", ("save_from_form (",)),
    ("savepoints and commit", ("_commit_together (", "_commit_alone (")),
    ("page update template", ("_page (app/portal/routes.py", "TemplateResponse", "_fragment (")),
    ("form parsing", ("Request.form (", "_get_form (")),
    ("dependencies and thread pool", ("solve_dependencies", "run_in_threadpool", "to_thread")),
    ("routing", ("matches (", "_match (")),
    ("middleware and HTTP", ("__call__ (",)),
    ("benchmark client", ("save_one (", "call (bench")),
    ("event loop", ("_run_once", "run_forever")),
]


def breakdown(path: Path, show_other: bool) -> None:
    """Print each part's share of the samples."""
    counts: collections.Counter[str] = collections.Counter()
    for line in path.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        # py-spy leaves some samples without a stack (it fell behind): they say nothing.
        if not stack.strip() or not number.isdigit() or any(m in stack for m in SETUP):
            continue
        for name, markers in PARTS:
            if any(marker in stack for marker in markers):
                counts[name] += int(number)
                break
        else:
            counts["other"] += int(number)
            if show_other:
                print(number, stack[-300:])
    total = sum(counts.values())
    print(f"{total} samples")
    for name, count in counts.most_common():
        print(f"  {name:36s} {100 * count / total:5.1f} %")


def main() -> None:
    """Read the profile named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("profile", type=Path)
    parser.add_argument("--other", action="store_true", help="print the stacks of no part")
    args = parser.parse_args()
    breakdown(args.profile, args.other)


if __name__ == "__main__":
    main()
