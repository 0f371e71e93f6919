"""Describes the PySpark wrappers without pyspark: reads python/sparkformers/ml.py with ast.

Usage: python3 describe_wrappers.py ML_PY [NOTEBOOK_PY ...]. Prints JSON:
  stages:  {java class: {"python": class name, "params": {name: type converter}, "defaults": {name: value}}},
           each stage's Params and defaults gathered over its bases as Python's MRO orders them
  all:     the module's __all__
  calls:   the stage constructors the notebooks call, with their keyword arguments
  problems: Params whose attribute name is not their name
"""

import ast
import json
import sys


def describe(tree):
    """Each class's own Params, defaults, Java class and base names, in the module's order."""
    classes, problems, exported = {}, [], []
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__all__"]:
            exported = ast.literal_eval(node.value)
        if not isinstance(node, ast.ClassDef):
            continue
        own = {"bases": [ast.unparse(b) for b in node.bases], "params": {}, "defaults": {}, "java": None}
        for statement in node.body:
            if not isinstance(statement, ast.Assign) or not isinstance(statement.targets[0], ast.Name):
                continue
            name, value = statement.targets[0].id, statement.value
            if isinstance(value, ast.Call) and ast.unparse(value.func) == "Param":
                param_name = ast.literal_eval(value.args[1])
                if param_name != name:
                    problems.append(f"{node.name}.{name} declares the Param '{param_name}'")
                converter = next((k.value for k in value.keywords if k.arg == "typeConverter"), None)
                own["params"][name] = ast.unparse(converter) if converter is not None else None
            elif name == "_param_defaults":
                own["defaults"] = ast.literal_eval(value)
            elif name == "_java_class":
                own["java"] = ast.literal_eval(value)
        classes[node.name] = own
    return classes, problems, exported


def resolve(classes):
    """Every stage's Params and defaults over its MRO, as the wrappers' _Stage.__init__ applies them."""
    built = {}
    for name, own in classes.items():
        # pyspark's classes stand in as empty bases: only the module's own classes carry Params
        bases = tuple(built.get(b) or built.setdefault(b, type(b, (), {})) for b in own["bases"])
        built[name] = type(name, bases, {})
    stages = {}
    for name, own in classes.items():
        if not own["java"]:
            continue
        params, defaults = {}, {}
        for cls in reversed(built[name].__mro__):
            params.update(classes.get(cls.__name__, {}).get("params", {}))
            defaults.update(classes.get(cls.__name__, {}).get("defaults", {}))
        stages[own["java"]] = {"python": name, "params": params, "defaults": defaults}
    return stages


def constructor_calls(path, stage_names):
    calls = []
    for node in ast.walk(ast.parse(open(path).read(), path)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in stage_names:
            calls.append({"where": f"{path}:{node.lineno}", "python": node.func.id,
                          "keywords": [k.arg for k in node.keywords]})
    return calls


def main(ml_py, *notebooks):
    classes, problems, exported = describe(ast.parse(open(ml_py).read(), ml_py))
    stages = resolve(classes)
    stage_names = {s["python"] for s in stages.values()}
    calls = [call for notebook in notebooks for call in constructor_calls(notebook, stage_names)]
    json.dump({"stages": stages, "all": exported, "calls": calls, "problems": problems}, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
