"""Guards of the source layout (ARCHITECTURE.md §2)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["platform/otmetka", "tenants", "services"]


def test_platform_is_a_source_folder_not_a_package():
    # given the source folder that holds the `otmetka` package
    # then it never becomes a package that would shadow the standard library's `platform`
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_no_top_level_package_shadows_the_standard_library():
    # given every top-level importable name the project ships
    names = {Path(p).name for p in PACKAGES}
    names |= {p.stem for p in (ROOT / "platform").glob("*.py")}
    names |= {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    # then none of them is a standard-library module
    assert not names & set(sys.stdlib_module_names), names & set(sys.stdlib_module_names)


def test_standard_platform_module_is_the_real_one():
    import platform

    assert hasattr(platform, "python_version")
    assert "site-packages" not in (platform.__file__ or "") or "lib/python" in platform.__file__


def test_test_files_have_unique_names():
    """pytest's default import mode needs unique basenames; a clash stops the whole run."""
    from collections import Counter
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    names = Counter(p.name for p in tests.rglob("test_*.py"))
    assert [n for n, count in names.items() if count > 1] == []
