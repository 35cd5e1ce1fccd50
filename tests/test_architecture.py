"""The shape of the code: no import circle, small functions and files, distribution
details in `kg.distribute` only."""

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "keras_gans"


def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules():
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path, known):
    """Every keras_gans module `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from keras_gans.x import y`: y is a submodule, or a name defined in x.
            names = [
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name.startswith("keras_gans."):  # the top package imports everything
                found.add(name)
    return found


def import_graph():
    known = modules()
    return {name: imports_of(path, known) - {name} for name, path in known.items()}


def cycles(graph):
    """The import cycles of `graph`, each as a list of modules (empty: none)."""
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


def test_cycle_finder_finds_a_planted_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_has_no_import_circle_not_even_through_lazy_imports():
    assert cycles(import_graph()) == []


def test_the_presets_never_import_the_models():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("keras_gans.presets"):
            assert not any(t.startswith("keras_gans.models") for t in targets), name


def test_importing_the_models_does_not_import_the_presets():
    code = ("import sys, keras_gans.models; "
            "print(sorted(m for m in sys.modules if m.startswith('keras_gans.presets')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def code_lines(source_lines, node):
    """Lines of code of a function: no docstring, blank lines or comments."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(
        getattr(body[0], "value", None), ast.Constant
    ) and isinstance(body[0].value.value, str):
        body = body[1:]
    lines = {n for statement in body for n in range(statement.lineno, statement.end_lineno + 1)}
    return sum(
        1 for n in lines
        if source_lines[n - 1].strip() and not source_lines[n - 1].strip().startswith("#")
    )


def test_no_function_over_60_lines_and_no_file_over_500():
    long_functions, long_files = [], []
    # The command line's launcher lives beside the package (it must not import it).
    launcher = {"keras_gans_cli": PACKAGE.parent / "keras_gans_cli.py"}
    for name, path in {**modules(), **launcher}.items():
        source = path.read_text()
        lines = source.splitlines()
        if len(lines) > 500:
            long_files.append((name, len(lines)))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                count = code_lines(lines, node)
                if count > 60:
                    long_functions.append((name, node.name, count))
    assert long_functions == []
    assert long_files == []


def test_variant_files_hold_no_distribution_machinery():
    # Distribution and precision live in keras_gans/distribute.py; variants call its
    # named helpers (assign_on_every_replica, run_in_order, on_global_batch, ...).
    machinery = ("merge_call", "control_dependencies", "all_gather", "get_replica_context",
                 "num_replicas_in_sync", "get_strategy")
    offenders = []
    for path in (PACKAGE / "models").glob("*.py"):
        source = path.read_text()
        offenders += [(path.name, word) for word in machinery if word in source]
    assert offenders == []
