import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_engine_imports_without_django():
    code = (
        "import sys\n"
        "import calculators.engine.reimbursement, calculators.engine.deadline\n"
        "import calculators.engine.contribution, calculators.engine.money\n"
        "import calculators.engine.dates, calculators.engine.steps, calculators.engine.errors\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}
    )
    assert completed.returncode == 0, completed.stderr
