"""The parts of the build pyproject.toml cannot say: `resources/` at the top of the repository
(its one source) ships inside the wheel as the package data folder `app/_resources`, where
app/resources.py looks for it once installed."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["app", "app.*"]), "app._resources"],
    package_dir={"app._resources": "resources"},
    package_data={
        "app._resources": [
            "*.desktop",
            "*.xml",
            "icons/*/*.svg",
            "icons/hicolor/*/*/*",
            "translations/*",
        ]
    },
    # Only the package_data above: MANIFEST.in's files belong to the sdist, not the wheel.
    include_package_data=False,
)
