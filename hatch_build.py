"""Puts the network page's browser bundles into the wheel, from a checkout or an sdist.

A checkout has them in ``scripts/page-js/node_modules`` (``npm ci``, run by
``scripts/setup.sh``); an sdist carries them at their place in the package,
``collabnet/outputs/vendor``, where the wheel picks them up with the rest of the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Place in the package: place in a checkout.
BUNDLES = {
    "collabnet/outputs/vendor/sigma.min.js": "scripts/page-js/node_modules/sigma/dist/sigma.min.js",
    "collabnet/outputs/vendor/sigma.LICENSE.txt": "scripts/page-js/node_modules/sigma/LICENSE.txt",
    "collabnet/outputs/vendor/graphology.umd.min.js": (
        "scripts/page-js/node_modules/graphology/dist/graphology.umd.min.js"
    ),
    "collabnet/outputs/vendor/graphology.LICENSE.txt": (
        "scripts/page-js/node_modules/graphology/LICENSE.txt"
    ),
}


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for packaged, checkout in BUNDLES.items():
            if (root / packaged).is_file():
                continue  # an sdist: already inside the package
            if not (root / checkout).is_file():
                raise FileNotFoundError(
                    f"{checkout} is missing: run scripts/setup.sh (npm ci in scripts/page-js) "
                    "before building collabnet"
                )
            build_data["force_include"][str(root / checkout)] = packaged
