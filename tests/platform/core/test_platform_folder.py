import subprocess
import sys

from jinlin.core.settings import REPO_ROOT


def test_the_platform_folder_does_not_shadow_pythons_platform_module():
    assert not (REPO_ROOT / "platform" / "__init__.py").exists()
    result = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.system())"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"Linux", "Darwin", "Windows"}
