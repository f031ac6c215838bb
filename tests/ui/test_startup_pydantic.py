"""The workbench starts without pydantic's plugins (ui/startup.without_pydantic_plugins):
pydantic imports nothing to look for them, validates as before, and a user's own
``PYDANTIC_DISABLE_PLUGINS`` is left alone. Each check runs in a fresh interpreter."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(code: str, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**base, "QT_QPA_PLATFORM": "offscreen", **env},
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pydantics_plugin_finder_is_the_expected_one() -> None:
    """The installed pydantic finds its plugins as the stand-in assumes (a pydantic that
    does it differently keeps its own finder: the app still starts, ~40 ms slower)."""
    from tokentco.ui.startup import _pydantic_finder_as_expected

    assert _pydantic_finder_as_expected()


def test_core_loads_without_the_plugin_finder() -> None:
    out = run(
        """
        import os, sys
        from tokentco.ui.startup import preload_core, PYDANTIC_PLUGINS
        preload_core()
        from tokentco.io.bundled import bundled_catalogue
        from tokentco.io.defaults import default_project
        project = default_project(bundled_catalogue())
        print("OPTIONS", len(project.options) > 0)
        print("METADATA", "importlib.metadata" in sys.modules, "email" in sys.modules)
        print("FINDER", type(sys.modules[PYDANTIC_PLUGINS]).__name__)
        print("SWITCH", os.environ.get("PYDANTIC_DISABLE_PLUGINS"))
        """
    )
    assert "OPTIONS True" in out
    assert "METADATA False False" in out
    assert "FINDER _NoPydanticPlugins" in out
    assert "SWITCH __all__" in out


def test_validation_is_unchanged() -> None:
    """A model refuses what it refused and gives what it gave, with or without the finder."""
    code = """
        from tokentco.ui.startup import preload_core
        preload_core()
        from pydantic import ValidationError
        from tokentco.domain import Workload
        print("OK", Workload(isl_tokens=512, osl_tokens=256).model_dump_json())
        try:
            Workload(isl_tokens=float("nan"))
        except ValidationError as exc:
            print("ERR", exc.errors(include_url=False))
        """
    stub, plain = run(code), run(code, PYDANTIC_DISABLE_PLUGINS="")
    assert "OK {" in stub and "ERR [" in stub
    assert stub == plain


def test_a_users_setting_is_kept() -> None:
    out = run(
        """
        import os, sys
        from tokentco.ui.startup import preload_core, PYDANTIC_PLUGINS
        preload_core()
        print("FINDER", type(sys.modules[PYDANTIC_PLUGINS]).__name__)
        print("SWITCH", repr(os.environ["PYDANTIC_DISABLE_PLUGINS"]))
        """,
        PYDANTIC_DISABLE_PLUGINS="some-plugin",
    )
    assert "FINDER module" in out
    assert "SWITCH 'some-plugin'" in out


def test_switched_on_again_pydantics_finder_answers() -> None:
    out = run(
        """
        import os, sys
        from tokentco.ui.startup import without_pydantic_plugins, PYDANTIC_PLUGINS
        assert without_pydantic_plugins()
        finder = sys.modules[PYDANTIC_PLUGINS]
        print("OFF", list(finder.get_plugins()))
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""
        print("ON", type(finder.get_plugins()).__name__)
        print("REAL", type(sys.modules[PYDANTIC_PLUGINS]).__name__)
        """
    )
    assert "OFF []" in out
    assert "ON dict_values" in out
    assert "REAL module" in out
