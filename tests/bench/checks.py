"""The runner of tests/bench's Python tests: @test collects and runs each
test as it is defined; finish() prints "N passed, N failed" and exits 1
if any failed."""
import sys

FAILED = []
PASSED = []


def test(fn):
    try:
        fn()
        PASSED.append(fn.__name__)
    except AssertionError as e:
        FAILED.append(fn.__name__)
        print(f"FAIL {fn.__name__}: {e}")
    return fn


def finish():
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    sys.exit(1 if FAILED else 0)
