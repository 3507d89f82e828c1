"""An import-linter contract type: other apps reach an app only through its front door.

Every app exposes what others may use in one module, `<app>/api.py` (docs/decisions/0009).
An import from outside an app into any other of its modules breaks the contract, except the
wiring that Django itself needs (URLconfs, AppConfig) and the importers listed as exempt
(tests, migrations, the `config` package that wires every app together).
"""
from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


class FrontDoorContract(Contract):
    type_name = "front_door"

    apps = fields.ListField(subfield=fields.StringField())
    front_door = fields.StringField(required=False, default="api")
    wiring = fields.ListField(subfield=fields.StringField(), required=False, default=[])
    exempt_importers = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def _exempt(self, importer: str) -> bool:
        parts = importer.split(".")
        return any(
            _inside(importer, e) if "." in e or e in {"config"} else e in parts
            for e in self.exempt_importers
        )

    def _allowed(self, app: str, imported: str) -> bool:
        if imported in (app, f"{app}.{self.front_door}"):
            return True
        rest = imported[len(app) + 1:]
        return any(rest == w or rest.startswith(w + ".") for w in self.wiring)

    def check(self, graph, verbose: bool) -> ContractCheck:
        apps = sorted(self.apps, key=len, reverse=True)  # innermost first

        def app_of(module: str) -> str | None:
            return next((a for a in apps if _inside(module, a)), None)

        violations = []
        for importer in sorted(graph.modules):
            if self._exempt(importer):
                continue
            mine = app_of(importer)
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                target = app_of(imported)
                if target is None or target == mine or self._allowed(target, imported):
                    continue
                lines = sorted({d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)})
                violations.append(f"{importer} -> {imported} (l. {', '.join(map(str, lines))}): use {target}.{self.front_door}")
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["violations"]:
            output.print_error(line, bold=False)
            output.new_line()
