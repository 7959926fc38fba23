# This file is part of OSSIS.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The arrows between the OSSIS modules point down

Each module of addons/ has a layer; a module depends only on modules of
lower layers, imports only from the modules it depends on (directly or
not), and the Python files of a package do not import each other in a
circle.  The modules of the municipalities (ossis_lgu_*) sit on ossis_base
and ossis_services only, and nothing depends on them.
"""
import ast
import configparser
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
ADDONS = CHECKOUT / 'addons'
LGU_PREFIX = 'ossis_lgu_'
LGU_DEPENDS = {'ossis_base', 'ossis_services'}

# A new module gets its layer here: above every module it depends on
LAYERS = {
    'ossis_base': 0,
    'ossis_services': 1,
    'ossis_workflow': 2,
    'ossis_application': 3,
    'ossis_application_backoffice': 4,
    'ossis_application_external': 4,
    'ossis_monitoring': 4,
    'ossis_notification': 4,
    'ossis_helpdesk': 5,
    'ossis_portal': 5,
    'ossis_training': 6,
    }


def modules():
    return sorted(
        p.parent.name for p in ADDONS.glob('*/tryton.cfg'))


def depends(module):
    config = configparser.ConfigParser()
    config.read(ADDONS / module / 'tryton.cfg')
    return set(config.get('tryton', 'depends', fallback='').split())


def ossis_depends(module):
    return {d for d in depends(module) if d.startswith('ossis_')}


def closure(module):
    "Return the OSSIS modules the module depends on, directly or not"
    seen, todo = set(), [module]
    while todo:
        for dependency in ossis_depends(todo.pop()):
            if dependency not in seen:
                seen.add(dependency)
                todo.append(dependency)
    return seen


def python_files(folder):
    return sorted(folder.rglob('*.py'))


def imports(path, package):
    """Yield the absolute names imported by the file, the imports inside
    functions included"""
    tree = ast.parse(path.read_text(), str(path))
    parts = path.relative_to(package.parent).with_suffix('').parts
    if parts[-1] == '__init__':
        parts = parts[:-1]
        here = list(parts)
    else:
        here = list(parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[:len(here) - node.level + 1]
                name = '.'.join(base + ([node.module] if node.module else []))
                if node.module is None:
                    for alias in node.names:
                        yield f'{name}.{alias.name}'
                    continue
            else:
                name = node.module
            yield name
            for alias in node.names:
                yield f'{name}.{alias.name}'


def addon_module_of(name):
    "Return the addon of a dotted name, or None"
    parts = name.split('.')
    if parts[:2] == ['trytond', 'modules'] and len(parts) > 2:
        return parts[2]
    if parts[0].startswith('ossis_') and (ADDONS / parts[0]).is_dir():
        return parts[0]
    return None


@pytest.mark.parametrize('module', modules())
def test_depends_point_down(module):
    "Test a module depends only on modules of lower layers"
    if module.startswith(LGU_PREFIX):
        extra = ossis_depends(module) - LGU_DEPENDS
        assert not extra, (
            f"{module} is the module of a municipality: it depends on "
            f"ossis_base and ossis_services only, not on {sorted(extra)}")
        return
    assert module in LAYERS, (
        f"{module} has no layer: add it to LAYERS in {__file__}, above "
        f"the modules it depends on")
    for dependency in ossis_depends(module):
        assert not dependency.startswith(LGU_PREFIX), (
            f"{module} depends on the municipality module {dependency}")
        assert LAYERS.get(dependency, LAYERS[module]) < LAYERS[module], (
            f"{module} (layer {LAYERS[module]}) depends on {dependency} "
            f"(layer {LAYERS.get(dependency)}), which is not below it")


@pytest.mark.parametrize('module', modules())
def test_imports_follow_depends(module):
    "Test a module imports only from itself and the modules it depends on"
    allowed = closure(module) | {module}
    wrong = set()
    for path in python_files(ADDONS / module):
        for name in imports(path, ADDONS / module):
            imported = addon_module_of(name)
            if (imported and imported.startswith('ossis_')
                    and imported not in allowed):
                wrong.add(
                    f"{path.relative_to(CHECKOUT)} imports {imported}")
    assert not wrong, '\n'.join(sorted(wrong))


def import_cycles(package, prefix):
    """Return the circles of imports between the files of the package,
    whose modules are named prefix.<file>"""
    graph = {}
    for path in python_files(package):
        if 'tests' in path.relative_to(package).parts:
            continue
        name = '.'.join(
            path.relative_to(package.parent).with_suffix('').parts)
        name = name.removesuffix('.__init__')
        graph[name] = set()
        for imported in imports(path, package):
            graph[name].add(imported.removeprefix('trytond.modules.'))
    for name in graph:
        graph[name] = {
            target for target in graph if target != name
            and target != package.name
            and any(i == target or i.startswith(target + '.')
                for i in graph[name])}
    cycles = []
    state = {}

    def visit(node, stack):
        state[node] = 'open'
        for target in sorted(graph[node]):
            if state.get(target) == 'open':
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack + [target])
        state[node] = 'done'
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


@pytest.mark.parametrize('package', [
        *(ADDONS / m for m in modules()),
        CHECKOUT / 'src' / 'ossis',
        CHECKOUT / 'src' / 'ossis_client',
        ], ids=lambda p: p.name)
def test_no_import_cycle(package):
    "Test the files of a package do not import each other in a circle"
    cycles = import_cycles(package, package.name)
    assert not cycles, '\n'.join(' -> '.join(c) for c in cycles)


def test_layers_known():
    "Test every module of the layer table exists"
    assert set(LAYERS) <= set(modules())
